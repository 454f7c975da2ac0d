import type { Db } from '../../db/connection';
import type { GroupCommit } from '../../db/groupCommit';
import { postgresOf, postgresTransaction } from '../../db/postgresDomainDb';
import { sqliteTransaction } from '../../db/sqliteTransaction';
import type { Clock } from './clock';
import type { Mailer } from './mail';

/**
 * What domain operations need: the database, the time, a way to send mail and the public base URL
 * that links in mail point to. Built once in the composition root. The server adds group commit:
 * its transactions of one event-loop turn share one commit (db/groupCommit.ts).
 */
export type DomainContext = {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  publicUrl: string;
  groupCommit?: GroupCommit;
  /** Set by orgScoped: the org whose row lock a PostgreSQL unit takes first (ADR 0072). */
  lockOrg?: string;
  /** Told when a change queued outbound deliveries (alert webhooks and mail): the server's delivery worker listens. */
  outboxQueued?: () => void;
};

/** A transaction handle; repository functions accept it or the database itself. */
export type Tx = Db;
export type Queryable = Db;

/** Who asked for a change, as written in the audit log: `operator`, `cli`, `api-token:tok_…`, `member:mem_…`. */
export type Actor = string;

/**
 * Runs `work` as one all-or-nothing unit. On SQLite under the write lock (IMMEDIATE: taken first, so
 * read-decide-write cannot interleave); with group commit it is a savepoint of the turn's shared
 * transaction, run on the database handle itself (same connection); see `committed`. On PostgreSQL
 * a SERIALIZABLE transaction, run again when PostgreSQL cannot order it with another (so `work` may
 * run more than once). No network I/O inside `work`: mail, webhooks and IdP calls happen after the
 * unit, from what it committed.
 */
export function inTransaction<T>(ctx: DomainContext, work: (tx: Tx) => T | Promise<T>): Promise<T> {
  const postgres = postgresOf(ctx.db);
  if (postgres) return postgresTransaction(postgres, async () => work(ctx.db), ctx.lockOrg);
  const { groupCommit } = ctx;
  if (groupCommit) return groupCommit.run(() => work(ctx.db));
  return sqliteTransaction(ctx.db.$client, () => work(ctx.db));
}

/**
 * The context for a unit of work on one org's data: on PostgreSQL the unit takes that org's row lock
 * first, so units on one org run one at a time (as every unit does on SQLite) while units on other
 * orgs run beside them.
 */
export function orgScoped(ctx: DomainContext, orgId: string): DomainContext {
  return ctx.lockOrg === orgId ? ctx : { ...ctx, lockOrg: orgId };
}

/** Resolves once every change made so far is committed: wait on it before telling anyone outside (mail, webhooks). */
export function committed(ctx: DomainContext): Promise<void> {
  return ctx.groupCommit?.settled() ?? Promise.resolve();
}

/**
 * Resolves once nothing uncommitted is open on this connection. With group commit the connection
 * sees its own turn's uncommitted writes: a worker that reads what to send must do so right after
 * this (synchronously), so it never sends something a failed commit could still take back.
 */
export async function quiescent(ctx: DomainContext): Promise<void> {
  while (ctx.groupCommit?.pending) await ctx.groupCommit.settled().catch(() => {});
}
