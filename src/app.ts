import express, { type Express } from 'express';
import type { Config } from './config';
import type { DomainContext } from './domain/context';
import { isDatabaseReachable } from '../db/connection';
import type { Logger } from './logger';
import { adminApi } from './admin/adminApi';
import { createMetrics } from './admin/metrics';
import type { OrgCreatedHook } from './admin/operatorRoutes';
import { invitePage } from './web/invitePage';
import { scimRouter } from './scim/scimRouter';
import { signInRoutes } from './web/signInRoutes';
import { idpLogoutUrl, samlRouter } from './sso/saml';
import { oidcLogoutUrl, oidcRouter } from './sso/oidc';
import { signInPage } from './web/signInPage';
import { consoleRoutes } from './admin/console/consoleRoutes';
import { sessionMiddleware } from './sso/session';
import { durableResponses } from './durableResponses';
import { requestLog } from './http/requestLog';
import { unhandledErrors } from './http/unhandledErrors';
import { homePage } from './web/homePage';

export type AppDeps = {
  ctx: DomainContext;
  config: Pick<Config, 'operatorToken' | 'publicUrl'> & Partial<Pick<Config, 'metricsToken' | 'samlSp' | 'outboundAllowPrivateNetworks'>>;
  logger: Logger;
  onOrgCreated?: OrgCreatedHook;
};

/** The HTTP app: health, then each adapter mounted at its prefix. Nothing else lives here. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLog(deps.logger));
  if (deps.ctx.groupCommit) app.use(durableResponses(deps.ctx.groupCommit, deps.logger));
  const metrics = createMetrics(deps.ctx, deps.config.metricsToken);
  const outbound = { allowPrivateNetworks: deps.config.outboundAllowPrivateNetworks ?? false };
  app.use(metrics.observeRequests);

  app.get('/healthz', (_req, res) => {
    if (isDatabaseReachable(deps.ctx.db)) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'unavailable', detail: 'the database is not reachable' });
  });

  app.use(metrics.router);
  app.use(sessionMiddleware(deps.ctx));
  app.use('/api/v1', adminApi(deps));
  app.use('/scim/v2', scimRouter(deps.ctx, deps.logger));
  app.use(invitePage(deps.ctx, deps.logger));
  app.use(
    signInRoutes(deps.ctx, {
      idpLogoutUrl: (session) =>
        session.saml ? idpLogoutUrl(deps.ctx, deps.config.samlSp, session) : oidcLogoutUrl(deps.ctx, session, outbound),
    }),
  );
  app.use(samlRouter(deps.ctx, deps.logger, deps.config.samlSp));
  app.use(oidcRouter(deps.ctx, deps.logger, outbound));
  app.use(signInPage(deps.ctx));
  app.use(consoleRoutes(deps.ctx, deps.logger));
  app.use(homePage());
  app.use(unhandledErrors(deps.logger));
  return app;
}
