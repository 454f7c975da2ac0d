/*
 * Work several seatd processes on one database could each pick up (outbox deliveries) is claimed
 * with a lease: one guarded UPDATE sets `claimed_by` and `lease_until` where no live lease is held,
 * the claimant sends outside any transaction, and marks the work done only while its claim still
 * stands. A process that dies leaves a lease that simply runs out, and the work is picked up again
 * (at least once).
 */

import os from 'node:os';
import { eq, lte, or } from 'drizzle-orm';
import { sweepLeases } from '../../db/schema';
import { inTransaction, type DomainContext } from './context';

/** Names one running worker in `claimed_by`: which host and process holds a lease, unique per start. */
export function workerIdentity(hostname: string, pid: number): string {
  return `${hostname}:${pid}:${Math.random().toString(36).slice(2, 10)}`;
}

/** This process's workers' name, unless a test gives each worker its own. */
export const thisProcess = workerIdentity(os.hostname(), process.pid);

export function leaseEnd(now: Date, leaseMs: number): string {
  return new Date(now.getTime() + leaseMs).toISOString();
}

/** The claim was lost (it ran out and another worker took the work over, or the work was deleted): stop, do not write. */
export class LeaseLost extends Error {
  constructor(what: string) {
    super(`lease on ${what} lost`);
    this.name = 'LeaseLost';
  }
}

/**
 * Claims periodic work (`name`) for `holder` until `now + forMs`, unless another holder's claim is
 * still running: one guarded upsert, so of several processes on one database one does the work per
 * interval. Answers whether the caller holds it now.
 */
export async function claimPeriodicWork(ctx: DomainContext, name: string, holder: string, now: Date, forMs: number): Promise<boolean> {
  const until = leaseEnd(now, forMs);
  const claimed = await inTransaction(ctx, (tx) =>
    tx
      .insert(sweepLeases)
      .values({ name, holder, until })
      .onConflictDoUpdate({
        target: sweepLeases.name,
        set: { holder, until },
        setWhere: or(eq(sweepLeases.holder, holder), lte(sweepLeases.until, now.toISOString())),
      })
      .returning({ holder: sweepLeases.holder }),
  );
  return claimed.length === 1;
}
