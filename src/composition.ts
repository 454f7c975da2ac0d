import { migrateDatabase, openDatabase } from '../db/connection';
import type { Config } from './config';
import { systemClock } from './domain/clock';
import type { DomainContext } from './domain/context';
import type { Logger } from './logger';
import { createMailer } from './mail/mailer';

/** Opens and migrates the database and wires the domain's clock and mailer; shared by the server and the CLI. */
export function openDomainContext(
  config: Pick<Config, 'databasePath' | 'publicUrl' | 'smtpUrl' | 'mailFrom' | 'outboxDir'>,
  logger: Logger,
): DomainContext {
  const db = openDatabase(config.databasePath);
  migrateDatabase(db);
  return { db, clock: systemClock, mailer: createMailer(config, logger), publicUrl: config.publicUrl };
}
