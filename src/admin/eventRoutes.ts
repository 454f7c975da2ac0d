import { Router, type Request } from 'express';
import { z } from 'zod';
import type { DomainContext } from '../domain/context';
import { readEvents } from '../domain/events/events';
import { EVENT_TYPES } from '../domain/events/eventTypes';
import { parseInput } from '../domain/validation';
import { requireOperator, requireOrgRole } from './auth';

const feedQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a cursor from an earlier page (digits)')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  types: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((t) => t.trim()) : undefined))
    .pipe(z.array(z.enum(EVENT_TYPES)).optional()),
});

const feed = (ctx: DomainContext, req: Request, orgId?: string) => {
  const query = parseInput(feedQuery, req.query);
  return readEvents(ctx, { ...query, ...(orgId ? { orgId } : {}) });
};

/** The event feed: every org's for the operator, one org's for its owners and admins; oldest first, in commit order. */
export function eventRoutes(ctx: DomainContext, operatorToken: string | undefined): Router {
  const router = Router();
  router.get('/events', requireOperator(operatorToken), async (req, res) => {
    res.json(await feed(ctx, req));
  });
  router.get('/orgs/:org/events', requireOrgRole(ctx, 'admin'), async (req, res) => {
    res.json(await feed(ctx, req, req.params.org as string));
  });
  return router;
}
