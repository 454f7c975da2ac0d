import { and, desc, eq } from 'drizzle-orm';
import { seatRefusals } from '../../../db/schema';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type Actor, type DomainContext } from '../context';
import { NoSeatAvailable } from '../errors';
import type { SeatType } from '../seatTypes';
import { recordEvent } from '../events/events';

export type AdmissionPath = 'invite' | 'jit' | 'scim';
export type SeatRefusal = { id: number; email: string; path: AdmissionPath; seatType: SeatType; at: string };

/**
 * Runs a provisioning transaction; when it is refused for lack of a seat, its work is already rolled
 * back, and the refusal (who, when, which path, which seat type) is written in a transaction of its own.
 */
export async function refusingWithoutSeat<T>(
  ctx: DomainContext,
  who: { orgId: string; email: string; path: AdmissionPath; actor: Actor },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NoSeatAvailable) {
      const at = ctx.clock.now();
      await inTransaction(orgScoped(ctx, who.orgId), async (tx) => {
        await tx
          .insert(seatRefusals)
          .values({ orgId: who.orgId, email: who.email, path: who.path, seatType: err.seatType, at: at.toISOString() });
        await recordAudit(tx, at, {
          orgId: who.orgId,
          actor: who.actor,
          action: `provisioning.${who.path}`,
          target: who.email,
          outcome: 'refused',
          details: { reason: 'no-seat-available', seatType: err.seatType },
        });
        await recordEvent(tx, at, {
          type: 'signin.refused',
          orgId: who.orgId,
          actor: who.actor,
          data: { email: who.email, path: who.path, seatType: err.seatType, reason: 'no-seat-available' },
        });
      });
    }
    throw err;
  }
}

export async function listRefusals(ctx: DomainContext, orgId: string, limit = 100): Promise<SeatRefusal[]> {
  return ctx.db
    .select({
      id: seatRefusals.id,
      email: seatRefusals.email,
      path: seatRefusals.path,
      seatType: seatRefusals.seatType,
      at: seatRefusals.at,
    })
    .from(seatRefusals)
    .where(and(eq(seatRefusals.orgId, orgId)))
    .orderBy(desc(seatRefusals.id))
    .limit(limit);
}
