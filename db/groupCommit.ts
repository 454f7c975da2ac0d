import type Database from 'better-sqlite3';
import { unitLockOf, type UnitLock } from './unitLock';

type Batch = { done: Promise<void>; resolve: () => void; reject: (err: unknown) => void };

/**
 * Group commit for the server's one connection: the transactions that run in the same turn of the
 * event loop share one SQLite transaction, each in a savepoint of its own (a failure rolls back
 * only its own work), and one COMMIT at the end of the turn. A commit writes every page a
 * transaction touched to the WAL, and a member's row touches ten or so (table, indexes, seat
 * pool, audit log); concurrent requests mostly touch the same pages, so sharing the commit is
 * most of the cost of a write saved. Responses wait for `settled()` (see durableResponses), so
 * nobody hears of a change before it is committed. Units run one at a time (UnitLock): an async
 * unit must not interleave its statements with another's in the shared transaction.
 */
export class GroupCommit {
  private batch: Batch | undefined;
  /** Batches lost since start: a failed COMMIT, or SQLite rolling back the whole transaction. */
  failures = 0;
  private readonly lock: UnitLock;
  private readonly begin: Database.Statement;
  private readonly commitStatement: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  constructor(
    private readonly client: Database.Database,
    private readonly hooks: { onFailure?: (err: unknown) => void; beforeCommit?: () => void } = {},
  ) {
    this.lock = unitLockOf(client);
    this.begin = client.prepare('BEGIN IMMEDIATE');
    this.commitStatement = client.prepare('COMMIT');
    this.rollback = client.prepare('ROLLBACK');
    this.savepoint = client.prepare('SAVEPOINT group_commit_work');
    this.release = client.prepare('RELEASE group_commit_work');
    this.rollbackTo = client.prepare('ROLLBACK TO group_commit_work');
  }

  /** Runs `work` as a savepoint of the open batch, opening one (and scheduling its commit) if none is open. */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    return this.lock.run(() => this.inSavepoint(work));
  }

  private async inSavepoint<T>(work: () => T | Promise<T>): Promise<T> {
    // inside a transaction someone else opened, the work is only a savepoint of theirs
    if (!this.batch && !this.client.inTransaction) this.open();
    const batch = this.batch;
    this.savepoint.run();
    try {
      const result = await work();
      this.release.run();
      return result;
    } catch (err) {
      if (this.client.inTransaction) {
        this.rollbackTo.run();
        this.release.run();
      } else if (batch) this.lose(batch, err);
      throw err;
    }
  }

  /** Resolves once everything written so far is committed; rejects when that commit failed. */
  settled(): Promise<void> {
    return this.batch?.done ?? Promise.resolve();
  }

  get pending(): boolean {
    return this.batch !== undefined;
  }

  /** Commits the open batch now: at shutdown, and before anything else opens the file. */
  flush(): void {
    if (this.batch) this.commit(this.batch);
  }

  private open(): void {
    this.begin.run();
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(() => {}); // a batch nobody waits on must not become an unhandled rejection
    const batch = { done, resolve, reject };
    this.batch = batch;
    setImmediate(() => this.commitWhenFree(batch));
  }

  /** A unit still running (waiting on something outside SQLite) keeps the batch open until it ends. */
  private commitWhenFree(batch: Batch): void {
    if (!this.lock.held) return this.commit(batch);
    void this.lock.run(async () => this.commit(batch));
  }

  private commit(batch: Batch): void {
    if (this.batch !== batch) return;
    this.batch = undefined;
    try {
      if (!this.client.open) throw new Error('the database was closed before its last writes were committed');
      this.hooks.beforeCommit?.();
      this.commitStatement.run();
      batch.resolve();
    } catch (err) {
      if (this.client.open && this.client.inTransaction) this.rollback.run();
      this.fail(batch, err);
    }
  }

  private lose(batch: Batch, err: unknown): void {
    if (this.batch === batch) this.batch = undefined;
    this.fail(batch, err);
  }

  private fail(batch: Batch, err: unknown): void {
    this.failures++;
    this.hooks.onFailure?.(err);
    batch.reject(err);
  }
}
