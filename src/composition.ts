import path from 'node:path';
import { migrateDatabase, openDatabase } from '../db/connection';
import { GroupCommit } from '../db/groupCommit';
import { openPostgresDomain } from '../db/postgresDomainDb';
import type { Config } from './config';
import { systemClock } from './domain/clock';
import type { DomainContext } from './domain/context';
import { alertsReactingToEvents } from './domain/alerts/alerts';
import { consumeEvents } from './domain/events/eventConsumers';
import type { Logger } from './logger';
import { createMailer } from './mail/mailer';

/**
 * Opens and migrates the database and wires the domain's clock and mailer; shared by the server and
 * the CLI. The server (a long-lived process answering concurrent requests) also gets group commit;
 * a CLI command commits each change as it goes.
 */
export function openDomainContext(
  config: Pick<Config, 'databasePath' | 'publicUrl' | 'smtpUrl' | 'mailFrom' | 'outboxDir'> & Partial<Pick<Config, 'databaseCacheMb' | 'databaseUrl' | 'postgres'>>,
  logger: Logger,
  options: { groupCommit?: boolean; applicationName?: string } = {},
): DomainContext {
  const db = config.databaseUrl
    ? openPostgresDomain(config.databaseUrl, {
        ...config.postgres,
        applicationName: options.applicationName,
        onError: (error) => logger.warn({ err: error }, 'a PostgreSQL connection failed; the pool replaces it'),
      })
    : openAndMigrate(config.databasePath, config.databaseCacheMb);
  const ctx: DomainContext = { db, clock: systemClock, mailer: createMailer(config, logger), publicUrl: config.publicUrl };
  // PostgreSQL commits each unit on its own connection of the pool; group commit is SQLite's
  if (options.groupCommit && !config.databaseUrl) ctx.groupCommit = createGroupCommit(db, logger);
  reactToEvents(ctx);
  return ctx;
}

/**
 * The in-process consumers of recorded events, on this context's connection: alerts react to seat
 * changes and refusals in the transaction that recorded them. Every context that writes needs it.
 */
export function reactToEvents(ctx: DomainContext): void {
  consumeEvents(ctx.db, alertsReactingToEvents(ctx));
}

/** SQLite's own messages ("unable to open database file", "file is not a database") do not say which file: this does. */
function openAndMigrate(file: string, cacheMb: number | undefined): DomainContext['db'] {
  try {
    const db = openDatabase(file, { cacheMb });
    try {
      migrateDatabase(db);
    } catch (err) {
      db.$client.close();
      throw err;
    }
    return db;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot use the database ${path.resolve(file)} (DATABASE_PATH): ${message}`, { cause: err });
  }
}

export function createGroupCommit(db: DomainContext['db'], logger: Logger, beforeCommit?: () => void): GroupCommit {
  return new GroupCommit(db.$client, {
    onFailure: (err) => logger.error({ err }, 'group commit failed; its writes were rolled back'),
    beforeCommit,
  });
}
