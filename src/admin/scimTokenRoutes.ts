import { Router } from 'express';
import { z } from 'zod';
import type { DomainContext } from '../domain/context';
import { createToken, revokeToken } from '../domain/orgs/tokens';
import { parseInput } from '../domain/validation';
import { requireOrgRole } from './auth';

const scimTokenBody = z.strictObject({ label: z.string().trim().min(1).max(100).default('scim') });

/** SCIM bearer tokens for Okta / Entra ID: created by admins, shown once, revocable. */
export function scimTokenRoutes(ctx: DomainContext): Router {
  const router = Router({ mergeParams: true });
  const admin = requireOrgRole(ctx, 'admin');
  router.post('/scim-tokens', admin, (req, res) => {
    const { label } = parseInput(scimTokenBody, req.body ?? {});
    res.status(201).json(createToken(ctx, req.params.org as string, { kind: 'scim', role: null, label }, req.principal!.actor));
  });
  router.delete('/scim-tokens/:id', admin, (req, res) => {
    revokeToken(ctx, req.params.org as string, 'scim', req.params.id as string, req.principal!.actor);
    res.status(204).end();
  });
  return router;
}
