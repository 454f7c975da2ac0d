import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { DomainContext } from '../domain/context';
import { parseInput } from '../domain/validation';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  redeliverEvent,
  updateWebhook,
  type WebhookScope,
} from '../domain/webhooks/webhooks';
import { requireOperator, requireOrgRole } from './auth';

const deliveryPage = z.object({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The same endpoints for both managers: the operator's at /webhooks, an org's owners' at /orgs/{org}/webhooks. */
function endpointRoutes(
  ctx: DomainContext,
  guard: RequestHandler,
  scopeOf: (req: Request) => WebhookScope,
  actorOf: (req: Request) => string,
): Router {
  const router = Router({ mergeParams: true });
  const id = (req: Request) => req.params.id as string;
  router.post('/webhooks', guard, async (req, res) => {
    res.status(201).json(await createWebhook(ctx, scopeOf(req), req.body ?? {}, actorOf(req)));
  });
  router.get('/webhooks', guard, async (req, res) => {
    res.json({ data: await listWebhooks(ctx, scopeOf(req)) });
  });
  router.get('/webhooks/:id', guard, async (req, res) => {
    res.json(await getWebhook(ctx, scopeOf(req), id(req)));
  });
  router.patch('/webhooks/:id', guard, async (req, res) => {
    res.json(await updateWebhook(ctx, scopeOf(req), id(req), req.body ?? {}, actorOf(req)));
  });
  router.delete('/webhooks/:id', guard, async (req, res) => {
    await deleteWebhook(ctx, scopeOf(req), id(req), actorOf(req));
    res.status(204).end();
  });
  router.get('/webhooks/:id/deliveries', guard, async (req, res) => {
    res.json(await listWebhookDeliveries(ctx, scopeOf(req), id(req), parseInput(deliveryPage, req.query)));
  });
  router.post('/webhooks/:id/deliveries/:eventId/redeliver', guard, async (req, res) => {
    res.status(202).json(await redeliverEvent(ctx, scopeOf(req), id(req), req.params.eventId as string, actorOf(req)));
  });
  return router;
}

/** Event webhooks: the operator's (every org, or one) and each org's owners' (admins get 403). */
export function webhookRoutes(ctx: DomainContext, operatorToken: string | undefined): Router {
  const router = Router();
  router.use(
    endpointRoutes(
      ctx,
      requireOperator(operatorToken),
      () => ({ managedBy: 'operator' }),
      () => 'operator',
    ),
  );
  router.use(
    '/orgs/:org',
    endpointRoutes(
      ctx,
      requireOrgRole(ctx, 'owner'),
      (req) => ({ managedBy: 'org', orgId: req.params.org as string }),
      (req) => req.principal?.actor ?? 'unknown',
    ),
  );
  return router;
}
