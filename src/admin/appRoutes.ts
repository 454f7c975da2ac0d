import { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { deleteApp, listApps, registerApp } from '../domain/apps/apps';
import { requireOperator } from './auth';

/** The vendor's applications (OAuth clients of seatd's OpenID Provider): operator only. */
export function appRoutes(ctx: DomainContext, operatorToken: string | undefined): Router {
  const router = Router();
  const operator = requireOperator(operatorToken);

  router.post('/apps', operator, async (req, res) => {
    const app = await registerApp(ctx, req.body, 'operator');
    res.status(201).location(`/api/v1/apps/${app.clientId}`).json(app);
  });

  router.get('/apps', operator, async (_req, res) => {
    res.json(await listApps(ctx));
  });

  router.delete('/apps/:clientId', operator, async (req, res) => {
    await deleteApp(ctx, req.params.clientId as string, 'operator');
    res.status(204).end();
  });

  return router;
}
