import type { Db } from '../../db/connection';
import type { Clock } from './clock';
import type { Mailer } from './mail';

/**
 * What domain operations need: the database, the time, a way to send mail and the public base URL
 * that links in mail point to. Built once in the composition root.
 */
export type DomainContext = { db: Db; clock: Clock; mailer: Mailer; publicUrl: string };

/** A drizzle transaction handle; repository functions accept it or the database itself. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Queryable = Db | Tx;

/** Who asked for a change, as written in the audit log: `operator`, `cli`, `api-token:tok_…`, `member:mem_…`. */
export type Actor = string;

/** Runs `work` in one IMMEDIATE transaction: it takes the write lock first, so read-decide-write cannot interleave. */
export function inTransaction<T>(ctx: DomainContext, work: (tx: Tx) => T): T {
  return ctx.db.transaction(work, { behavior: 'immediate' });
}
