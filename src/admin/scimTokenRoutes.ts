import { Router } from 'express';
import { z } from 'zod';
import type { DomainContext } from '../domain/context';
import { createToken, revokeToken } from '../domain/orgs/tokens';
import { parseInput } from '../domain/validation';
import { requireOrgRole } from './auth';

const scimTokenBody = z.strictObject({ label: z.string().trim().min(1).max(100).default('scim') });

/** SCIM bearer tokens for Okta / Entra ID: created and revoked by owners, shown once; a token acts with its creator's role. */
export function scimTokenRoutes(ctx: DomainContext): Router {
  const router = Router({ mergeParams: true });
  const owner = requireOrgRole(ctx, 'owner');
  router.post('/scim-tokens', owner, async (req, res) => {
    const { label } = parseInput(scimTokenBody, req.body ?? {});
    res
      .status(201)
      .json(
        await createToken(
          ctx,
          req.params.org as string,
          { kind: 'scim', role: null, label },
          { actor: req.principal!.actor, role: req.principal!.role },
        ),
      );
  });
  router.delete('/scim-tokens/:id', owner, async (req, res) => {
    await revokeToken(ctx, req.params.org as string, 'scim', req.params.id as string, req.principal!.actor);
    res.status(204).end();
  });
  return router;
}
