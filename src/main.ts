import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Express } from 'express';
import { closeDatabase, databaseReady } from '../db/database';
import { createApp } from './app';
import { loadConfig, type Config } from './config';
import { startDeliveryWorker } from './alerts/deliveryWorker';
import { defaultDeliveryPolicy } from './domain/alerts/alertDelivery';
import { startWebhookWorker } from './webhooks/webhookWorker';
import { openDomainContext } from './composition';
import { sweepExpiredInvitations } from './domain/provisioning/invitations';
import { overdueContracts, renewDueContracts } from './domain/renewal/renewal';
import { deleteOldSessions } from './domain/sessions/sessions';
import { deleteOldEvents } from './domain/events/events';
import { claimPeriodicWork, thisProcess } from './domain/leases';
import { deleteExpiredOpRecords } from './op/opRecords';
import { deleteRetiredSigningKeys } from './op/signingKeys';
import { createLogger, type Logger } from './logger';
import type { DomainContext } from './domain/context';
import { metricsApp, type Metrics } from './admin/metrics';

/** The app as `seatd serve` runs it, with the alert and webhook delivery workers started and told whenever a change queues a delivery. */
export function createServerApp(
  ctx: DomainContext,
  config: Pick<Config, 'operatorToken' | 'publicUrl' | 'metricsToken' | 'alertDeliverySeconds'> &
    Partial<Pick<Config, 'samlSp' | 'outboundAllowPrivateNetworks' | 'trustProxy' | 'authFailuresPerMinute' | 'deliveryLeaseSeconds'>>,
  logger: Logger,
) {
  const allowPrivateNetworks = config.outboundAllowPrivateNetworks ?? false;
  const leaseMs = (config.deliveryLeaseSeconds ?? 60) * 1000;
  const alerts = startDeliveryWorker(
    ctx,
    logger,
    config.alertDeliverySeconds * 1000,
    { ...defaultDeliveryPolicy, leaseMs },
    {
      allowPrivateNetworks,
    },
  );
  const webhooks = startWebhookWorker(ctx, logger, {
    intervalMs: config.alertDeliverySeconds * 1000,
    allowPrivateNetworks,
    policy: { leaseMs },
  });
  ctx.outboxQueued = () => {
    alerts.nudge();
    webhooks.nudge();
  };
  const deliveries = {
    nudge: ctx.outboxQueued,
    runOnce: () => Promise.all([alerts.runOnce(), webhooks.runOnce()]).then(() => {}),
    stop: () => Promise.all([alerts.stop(), webhooks.stop()]).then(() => {}),
  };
  return { app: createApp({ ctx, config, logger }), deliveries };
}

/** A crash leaves one fatal JSON line with the error serialized, not a loose stack in the log stream, and a non-zero exit. */
function logCrashes(logger: Logger): void {
  const crash = (what: string) => (err: unknown) => {
    logger.fatal({ err }, what);
    process.exit(1);
  };
  process.once('uncaughtException', crash('uncaught exception'));
  process.once('unhandledRejection', crash('unhandled promise rejection'));
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}

/** A PostgreSQL URL fit for a log line: no user, no password, no parameters. */
function withoutCredentials(url: string): string {
  const { protocol, host, pathname } = new URL(url);
  return `${protocol}//${host}${pathname}`;
}

/** Composition root: open and migrate the database, build the app, listen, and stop cleanly on SIGTERM/SIGINT. */
export async function startServer(config: Config = loadConfig()): Promise<{ server: Server; stop: () => Promise<void> }> {
  const logger = createLogger(config.logLevel);
  logCrashes(logger);
  const database = config.databaseUrl ? withoutCredentials(config.databaseUrl) : path.resolve(config.databasePath);
  const newDatabase = !config.databaseUrl && !fs.existsSync(database);
  let ctx: DomainContext;
  try {
    ctx = openDomainContext(config, logger, { groupCommit: true });
    await databaseReady(ctx.db).catch(async (err: unknown) => {
      await closeDatabase(ctx.db);
      throw err;
    });
  } catch (err) {
    logger.fatal({ err, database }, 'cannot open the database');
    throw err;
  }
  const { db } = ctx;
  const { app, deliveries } = createServerApp(ctx, config, logger);
  let server: Server;
  try {
    server = await listen(app, config.port, config.host);
  } catch (err) {
    // Express 5 hands a listen error to the callback; without this the process would say it listens and exit 0
    logger.fatal({ err, host: config.host, port: config.port }, `cannot listen on ${config.host}:${config.port}`);
    await deliveries.stop();
    await closeDatabase(db);
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const consoleUrl = `${config.publicUrl}/console`;
  logger.info(
    { host: config.host, port, database, newDatabase, publicUrl: config.publicUrl, console: consoleUrl },
    `seatd listening on ${config.host}:${port}; console at ${consoleUrl}`,
  );
  const { metricsPort, metricsHost } = config;
  let metricsServer: Server | undefined;
  if (metricsPort !== undefined) {
    try {
      metricsServer = await listen(metricsApp(app.locals.metrics as Metrics), metricsPort, metricsHost);
    } catch (err) {
      logger.fatal({ err, host: metricsHost, port: metricsPort }, `cannot listen for metrics on ${metricsHost}:${metricsPort}`);
      server.close();
      await deliveries.stop();
      await closeDatabase(db);
      throw err;
    }
    logger.info({ port: metricsPort, host: metricsHost }, 'metrics listening');
  }
  if (!config.operatorToken) logger.warn('SEATD_OPERATOR_TOKEN is not set: the operator API is disabled (the CLI still works)');

  const sweepMs = config.invitationSweepSeconds * 1000;
  const housekeeping = async () => {
    try {
      // several processes on one database: one of them sweeps per interval (its claim runs out just before its next turn)
      if (!(await claimPeriodicWork(ctx, 'housekeeping', thisProcess, ctx.clock.now(), sweepMs * 0.9))) return;
    } catch (err) {
      logger.error({ err }, 'housekeeping could not be claimed');
      return;
    }
    try {
      const expired = await sweepExpiredInvitations(ctx);
      if (expired) logger.info({ expired }, 'expired invitations released their seats');
    } catch (err) {
      logger.error({ err }, 'invitation sweep failed');
    }
    try {
      for (const renewal of await renewDueContracts(ctx)) logger.info(renewal, 'contract renewed');
      for (const overdue of await overdueContracts(ctx)) {
        logger.warn(overdue, 'contract more than one term behind: not renewed on its own; run seatd renew --catch-up');
      }
    } catch (err) {
      logger.error({ err }, 'contract renewal failed');
    }
    try {
      const deleted = await deleteOldEvents(ctx, config.eventRetentionDays);
      if (deleted) logger.info({ deleted, retentionDays: config.eventRetentionDays }, 'old events deleted');
    } catch (err) {
      logger.error({ err }, 'event retention sweep failed');
    }
    try {
      const deleted = await deleteOldSessions(ctx);
      if (deleted) logger.info({ deleted }, 'old sessions deleted');
    } catch (err) {
      logger.error({ err }, 'session clean-up failed');
    }
    try {
      const expired = await deleteExpiredOpRecords(ctx);
      const retiredKeys = await deleteRetiredSigningKeys(ctx);
      if (expired || retiredKeys) logger.info({ expired, retiredKeys }, 'expired OpenID Provider records and retired keys deleted');
    } catch (err) {
      logger.error({ err }, 'OpenID Provider clean-up failed');
    }
  };
  await housekeeping();
  const sweep = setInterval(() => void housekeeping(), sweepMs);
  sweep.unref();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      logger.info('shutting down');
      clearInterval(sweep);
      void deliveries.stop();
      metricsServer?.close();
      server.close(() => {
        ctx.groupCommit?.flush();
        void closeDatabase(db).then(() => {
          logger.info('stopped');
          resolve();
        });
      });
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 10_000).unref();
    }));
  return { server, stop };
}
