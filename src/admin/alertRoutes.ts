import { Router, type Request } from 'express';
import { z } from 'zod';
import { listDeliveries } from '../domain/alerts/alertDelivery';
import { acknowledgeAlert, forecastSeats, listAlerts } from '../domain/alerts/alerts';
import { getAlertSettings, updateAlertSettings } from '../domain/alerts/alertSettings';
import type { DomainContext } from '../domain/context';
import { listRefusals } from '../domain/provisioning/refusals';
import { parseInput } from '../domain/validation';
import { requireOrgRole } from './auth';

const alertListQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',') : undefined))
    .pipe(z.array(z.enum(['open', 'acknowledged', 'resolved'])).optional()),
});

const orgOf = (req: Request) => req.params.org as string;

/** Seat exhaustion alerts, refused people and the forecast: admins and above see them. */
export function alertRoutes(ctx: DomainContext): Router {
  const router = Router({ mergeParams: true });
  const admin = requireOrgRole(ctx, 'admin');
  const owner = requireOrgRole(ctx, 'owner');

  router.get('/alerts', admin, async (req, res) => {
    const { status } = parseInput(alertListQuery, req.query);
    res.json({ alerts: await listAlerts(ctx, orgOf(req), status) });
  });

  router.post('/alerts/:id/ack', admin, async (req, res) => {
    res.json(await acknowledgeAlert(ctx, orgOf(req), req.params.id as string, { actor: req.principal!.actor, role: req.principal!.role }));
  });

  router.get('/alert-settings', admin, async (req, res) => {
    res.json(await getAlertSettings(ctx, orgOf(req)));
  });

  router.put('/alert-settings', owner, async (req, res) => {
    res.json(await updateAlertSettings(ctx, orgOf(req), req.body ?? {}, { actor: req.principal!.actor, role: req.principal!.role }));
  });

  router.get('/alert-deliveries', admin, async (req, res) => {
    const alertId = typeof req.query.alertId === 'string' ? req.query.alertId : undefined;
    res.json({ deliveries: await listDeliveries(ctx, orgOf(req), alertId) });
  });

  router.get('/refusals', admin, async (req, res) => {
    res.json({ refusals: await listRefusals(ctx, orgOf(req)) });
  });

  router.get('/seats/forecast', admin, async (req, res) => {
    res.json(await forecastSeats(ctx, orgOf(req)));
  });

  return router;
}
