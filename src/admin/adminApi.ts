import express, { Router } from 'express';
import type { AppDeps } from '../app';
import { alertRoutes } from './alertRoutes';
import { appRoutes } from './appRoutes';
import { apiTokenRoutes } from './apiTokenRoutes';
import { auditRoutes } from './auditRoutes';
import { memberRoutes } from './memberRoutes';
import { scimTokenRoutes } from './scimTokenRoutes';
import { ssoRoutes } from './ssoRoutes';
import { openApiDocument } from './openapi';
import { operatorRoutes } from './operatorRoutes';
import { problemErrorHandler, sendProblem } from './problem';
import { seatRoutes } from './seatRoutes';
import { eventRoutes } from './eventRoutes';
import { webhookRoutes } from './webhookRoutes';
import { DEFAULT_SELLER } from '../config';

/** The operator and org JSON API under /api/v1; every error leaves as application/problem+json. */
export function adminApi(deps: AppDeps): Router {
  const { ctx, config, logger } = deps;
  const api = Router();
  api.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(config.publicUrl));
  });
  api.use(operatorRoutes(ctx, config.operatorToken, deps.onOrgCreated ?? (() => {})));
  api.use(eventRoutes(ctx, config.operatorToken));
  api.use(webhookRoutes(ctx, config.operatorToken));
  api.use(appRoutes(ctx, config.operatorToken));
  api.use('/orgs/:org', seatRoutes(ctx, config.seller ?? DEFAULT_SELLER));
  api.use('/orgs/:org', auditRoutes(ctx));
  api.use('/orgs/:org', memberRoutes(ctx));
  api.use('/orgs/:org', scimTokenRoutes(ctx));
  api.use('/orgs/:org', apiTokenRoutes(ctx, config.operatorToken));
  api.use('/orgs/:org', ssoRoutes(ctx, deps.config.samlSp?.cert));
  api.use('/orgs/:org', alertRoutes(ctx));
  api.use((req, res) => {
    sendProblem(res, 404, 'not-found', 'Not found', `No API route for ${req.method} ${req.originalUrl}`);
  });
  api.use(problemErrorHandler(logger));
  return api;
}
