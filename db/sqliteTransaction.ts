import type Database from 'better-sqlite3';
import { unitLockOf } from './unitLock';

/**
 * One all-or-nothing unit on a SQLite connection without group commit (the CLI, tests): BEGIN
 * IMMEDIATE takes the write lock first, so read-decide-write cannot interleave with another
 * process; inside another unit it is a savepoint of that one.
 */
export function sqliteTransaction<T>(client: Database.Database, work: () => T | Promise<T>): Promise<T> {
  return unitLockOf(client).run(async () => {
    const outermost = !client.inTransaction;
    client.prepare(outermost ? 'BEGIN IMMEDIATE' : 'SAVEPOINT unit_work').run();
    try {
      const result = await work();
      client.prepare(outermost ? 'COMMIT' : 'RELEASE unit_work').run();
      return result;
    } catch (err) {
      if (client.inTransaction) {
        if (outermost) client.prepare('ROLLBACK').run();
        else client.prepare('ROLLBACK TO unit_work').run();
        if (!outermost) client.prepare('RELEASE unit_work').run();
      }
      throw err;
    }
  });
}
