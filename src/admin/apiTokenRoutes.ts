import { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { listTokens, revokeToken } from '../domain/orgs/tokens';
import { requireOperatorOrOrgRole } from './auth';

/** Listing and revoking an org's API tokens: the operator or the org's owners. (Creating one is the operator's, in operatorRoutes.) */
export function apiTokenRoutes(ctx: DomainContext, operatorToken: string | undefined): Router {
  const router = Router({ mergeParams: true });
  const ownerOrOperator = requireOperatorOrOrgRole(ctx, operatorToken, 'owner');
  router.get('/api-tokens', ownerOrOperator, async (req, res) => {
    res.json(await listTokens(ctx, req.params.org as string, 'api'));
  });
  router.delete('/api-tokens/:id', ownerOrOperator, async (req, res) => {
    await revokeToken(ctx, req.params.org as string, 'api', req.params.id as string, req.principal!.actor);
    res.status(204).end();
  });
  return router;
}
