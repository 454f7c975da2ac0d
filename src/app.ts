import express, { type Express } from 'express';
import type { DomainContext } from './domain/context';
import { databaseUnreachable } from '../db/database';
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
import { signInLinkRoutes } from './admin/console/signInLinkPage';
import { copyButtons } from './admin/console/copyButtons';
import { identityProviderPages } from './admin/console/identityProviderPages';
import { tokenPages } from './admin/console/tokenPages';
import { provisioningLogPage } from './admin/console/provisioningLogPage';
import { webhookPages } from './admin/console/webhookPages';
import { sessionMiddleware } from './sso/session';
import { durableResponses } from './durableResponses';
import { requestLog } from './http/requestLog';
import { homePage } from './web/homePage';
import { securityHeaders } from './web/securityHeaders';
import { failedAuthThrottle } from './authThrottle';
import { DEFAULT_AUTH_FAILURES_PER_MINUTE, DEFAULT_SELLER, type Config } from './config';
import { browserErrorHandler, browserNotFound } from './web/browserErrors';
import { sendProblem } from './admin/problem';
import { sendScimError } from './scim/scimError';
import { openIdProviderRoutes } from './op/openIdProvider';

export type AppDeps = {
  ctx: DomainContext;
  config: Pick<Config, 'operatorToken' | 'publicUrl'> &
    Partial<Pick<Config, 'metricsToken' | 'samlSp' | 'outboundAllowPrivateNetworks' | 'trustProxy' | 'authFailuresPerMinute' | 'seller'>>;
  logger: Logger;
  onOrgCreated?: OrgCreatedHook;
};

/** The HTTP app: health, then each adapter mounted at its prefix. Nothing else lives here. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(deps.logger));
  // Off unless configured: a forwarded address decides nothing but the client key of rate limits.
  app.set('trust proxy', deps.config.trustProxy ?? false);
  if (deps.ctx.groupCommit) app.use(durableResponses(deps.ctx.groupCommit, deps.logger));
  const metrics = createMetrics(deps.ctx, deps.config.metricsToken);
  app.locals.metrics = metrics; // the separate METRICS_PORT listener serves the same registry
  const outbound = { allowPrivateNetworks: deps.config.outboundAllowPrivateNetworks ?? false };
  app.use(securityHeaders(deps.config.publicUrl));
  app.use(metrics.observeRequests);
  app.use(failedAuthThrottle(deps.logger, { limit: deps.config.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE }));

  app.get('/healthz', async (_req, res) => {
    const why = await databaseUnreachable(deps.ctx.db);
    if (why === undefined) return void res.json({ status: 'ok' });
    deps.logger.warn({ reason: why }, 'health check: the database is not reachable');
    res.status(503).json({ status: 'unavailable', detail: 'the database is not reachable' });
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
  app.use(copyButtons());
  app.use(signInLinkRoutes(deps.ctx, deps.logger));
  app.use(consoleRoutes(deps.ctx, deps.logger, { seller: deps.config.seller ?? DEFAULT_SELLER }));
  app.use(identityProviderPages(deps.ctx, { samlSp: deps.config.samlSp, ...outbound }));
  app.use(tokenPages(deps.ctx));
  app.use(provisioningLogPage(deps.ctx));
  app.use(webhookPages(deps.ctx));
  app.use(openIdProviderRoutes(deps.ctx, deps.logger));
  app.use(homePage());
  // Whatever nobody served is answered in the shape of the surface it was meant for.
  app.use('/api', (req, res) => sendProblem(res, 404, 'not-found', 'Not found', `No API route for ${req.method} ${req.originalUrl}`));
  app.use('/scim', (req, res) =>
    sendScimError(res, 404, undefined, `No SCIM endpoint ${req.method} ${req.originalUrl}; the base is /scim/v2`),
  );
  app.use(browserNotFound);
  app.use(browserErrorHandler(deps.logger));
  return app;
}
