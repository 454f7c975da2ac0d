import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase, openDatabase, type Db } from '../../db/connection';
import { closeDatabase } from '../../db/database';
import { openPostgresDomain } from '../../db/postgresDomainDb';
import { freshPostgresDatabase } from './postgres';
import { ManualClock } from '../../src/domain/clock';
import type { DomainContext } from '../../src/domain/context';
import { createGroupCommit, reactToEvents } from '../../src/composition';
import { createOrg, type CreatedOrg } from '../../src/domain/onboarding/onboarding';
import { createOutboxMailer } from '../../src/mail/mailer';
import { createLogger, type Logger } from '../../src/logger';
import type { CreateOrgInput } from '../../src/domain/onboarding/orgInput';
import { acceptInvitation } from '../../src/domain/provisioning/invitations';
import { linkFromOutbox, tokenOf } from './outbox';

export type TestContext = DomainContext & { db: Db; clock: ManualClock; dbFile: string; outboxDir: string; close: () => void };

/** The database tests run on: SQLite, or PostgreSQL in the run's `postgres` pass (jest.config.js). */
export const testBackend: 'sqlite' | 'postgres' = process.env.SEATD_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * Databases of closed PostgreSQL contexts, dropped when the next context is made: dropping connects
 * anew, which must not happen after the test file's environment is gone (the last of each file goes
 * with the server at the end of the run).
 */
const dropsDue: (() => Promise<void>)[] = [];

/**
 * A real SQLite file in a fresh temp folder, migrated, with a clock the test moves and mail written
 * to an outbox folder; with `groupCommit` (as the server runs) transactions of one turn share a commit.
 * In the PostgreSQL pass, a fresh database cloned from the migrated template instead (no group commit:
 * that is SQLite's); statements wait until it exists.
 */
export function createTestContext(
  now = '2026-03-01T09:00:00Z',
  options: { groupCommit?: boolean; beforeCommit?: () => void; publicUrl?: string; logger?: Logger } = {},
): TestContext {
  const logger = options.logger ?? createLogger('silent');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-test-'));
  const dbFile = path.join(dir, 'seatd.db');
  for (const drop of dropsDue.splice(0)) void drop().catch(() => {});
  const postgres = testBackend === 'postgres' ? freshPostgresDatabase() : undefined;
  // the first statement fails with it too, but maybe only as a 503: say why here
  postgres?.catch((error: unknown) => console.error('the test PostgreSQL database was not created:', error));
  const db = postgres ? openPostgresDomain(postgres.then((fresh) => fresh.url), { migrate: false, poolSize: 4, idleTimeoutMs: 1000 }) : openDatabase(dbFile);
  if (!postgres) migrateDatabase(db);
  const clock = new ManualClock(now);
  const outboxDir = path.join(dir, 'outbox');
  const groupCommit = options.groupCommit && !postgres ? createGroupCommit(db, logger, options.beforeCommit) : undefined;
  const ctx: TestContext = {
    db,
    clock,
    dbFile,
    outboxDir,
    mailer: createOutboxMailer(outboxDir, 'seatd <no-reply@seatd.test>', logger),
    publicUrl: options.publicUrl ?? 'http://seatd.test',
    ...(groupCommit ? { groupCommit } : {}),
    close: () => {
      groupCommit?.flush();
      fs.rmSync(dir, { recursive: true, force: true });
      if (!postgres) return db.$client.close();
      const closed = closeDatabase(db).catch(() => {});
      dropsDue.push(() => closed.then(() => postgres).then((fresh) => fresh.drop()));
    },
  };
  reactToEvents(ctx);
  return ctx;
}

let orgCounter = 0;

/** The seed example's org: term from 1 Jan 2026, 100 Standard at 360.00, Premium at 720.00 (USD cents). */
export type SeedOrgOverrides = Omit<Partial<CreateOrgInput>, 'contract'> & { contract?: Partial<CreateOrgInput['contract']> };

export function seedOrgInput(overrides: SeedOrgOverrides = {}): CreateOrgInput {
  const n = ++orgCounter;
  const domain = overrides.domains?.[0] ?? `acme${n}-${process.pid}.com`;
  const { contract, ...rest } = overrides;
  return {
    name: `Acme ${n}`,
    domains: [domain],
    primaryOwnerEmail: `owner@${domain}`,
    provisioningMode: 'manual',
    ...rest,
    contract: {
      termStart: '2026-01-01',
      autoRenew: true,
      currency: 'USD',
      prices: { standard: 36000, premium: 72000 },
      seats: { standard: 100, premium: 0 },
      ...contract,
    },
  };
}

/** Async because creating an org mails the primary owner's invitation (to the test's outbox folder). */
export function createSeedOrg(ctx: DomainContext, overrides: SeedOrgOverrides = {}): Promise<CreatedOrg> {
  return createOrg(ctx, seedOrgInput(overrides), 'test');
}

/** A seed org whose primary owner has accepted the invitation (and so can sign in); answers the org and its domain. */
export async function createSeedOrgWithOwner(
  ctx: TestContext,
  overrides: SeedOrgOverrides = {},
): Promise<{ org: CreatedOrg; orgId: string; domain: string }> {
  const org = await createSeedOrg(ctx, overrides);
  const domain = org.domains[0]!;
  await acceptInvitation(ctx, tokenOf(linkFromOutbox(ctx.outboxDir, `owner@${domain}`)));
  return { org, orgId: org.id, domain };
}
