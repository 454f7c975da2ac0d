import { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { createOrg, type CreatedOrg } from '../domain/onboarding/onboarding';
import { getOrg } from '../domain/orgs/orgs';
import { createToken } from '../domain/orgs/tokens';
import { parseInput } from '../domain/validation';
import { requireOperator } from './auth';
import { apiTokenBody } from './requestSchemas';

/** The platform operator acts above every org role. */
const OPERATOR = { actor: 'operator', role: 'owner' } as const;

export type OrgCreatedHook = (org: CreatedOrg) => void;

export function operatorRoutes(ctx: DomainContext, operatorToken: string | undefined, onOrgCreated: OrgCreatedHook): Router {
  const router = Router();
  const operator = requireOperator(operatorToken);

  router.post('/orgs', operator, async (req, res) => {
    const org = await createOrg(ctx, req.body, 'operator');
    onOrgCreated(org);
    res.status(201).location(`/api/v1/orgs/${org.id}`).json(org);
  });

  router.get('/orgs/:org', operator, async (req, res) => {
    res.json(await getOrg(ctx, req.params.org as string));
  });

  router.post('/orgs/:org/api-tokens', operator, async (req, res) => {
    const body = parseInput(apiTokenBody, req.body);
    const issued = createToken(ctx, req.params.org as string, { kind: 'api', role: body.role, label: body.label }, OPERATOR);
    res.status(201).json(await issued);
  });

  return router;
}
