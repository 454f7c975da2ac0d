import { lockEventOrder } from '../../../db/postgresDomainDb';
import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { eventRetention, events } from '../../../db/schema';
import { inTransaction, type Actor, type DomainContext, type Queryable } from '../context';
import { Gone } from '../errors';
import { newId } from '../ids';
import { prepared } from '../prepared';
import { dispatchEvent } from './eventConsumers';
import { eventActorOf, type EventActor, type EventType } from './eventTypes';
import { firstRow } from '../rows';

export type SeatdEvent = {
  id: string;
  type: EventType;
  orgId: string;
  occurredAt: string;
  actor: EventActor;
  data: Record<string, unknown>;
};

/**
 * Records a fact in the caller's transaction: the event commits with the change or not at all. Call
 * it where the change is made, with what a consumer needs to act without calling back. The
 * connection's in-process consumers (alerts) react in the same transaction.
 */
export async function recordEvent(
  q: Queryable,
  at: Date,
  event: { type: EventType; orgId: string; actor: Actor; data: Record<string, unknown> },
): Promise<void> {
  await lockEventOrder(q);
  // prepared once per connection: an event rides along with most writes, SCIM creates included
  const statement = prepared(q, 'recordEvent', (db) =>
    db
      .insert(events)
      .values({
        id: sql.placeholder('id'),
        type: sql.placeholder('type'),
        orgId: sql.placeholder('orgId'),
        occurredAt: sql.placeholder('occurredAt'),
        actor: sql.placeholder('actor'),
        data: sql.placeholder('data'),
      })
      .prepare(),
  );
  const recorded: SeatdEvent = {
    id: newId('evt'),
    type: event.type,
    orgId: event.orgId,
    occurredAt: at.toISOString(),
    actor: eventActorOf(event.actor),
    data: event.data,
  };
  await statement.run(recorded);
  await dispatchEvent(q, recorded);
}

export type EventPage = { data: SeatdEvent[]; nextCursor: string };

/**
 * Events after `after` (a cursor from an earlier page; "0" or none for the oldest kept), oldest
 * first, in commit order. A cursor older than what retention kept answers 410: events were lost to
 * that consumer and it must start over from a snapshot.
 */
export async function readEvents(
  ctx: DomainContext,
  query: { after?: string; limit: number; types?: EventType[]; orgId?: string },
): Promise<EventPage> {
  const after = query.after === undefined || query.after === '' ? 0 : Number(query.after);
  const deletedThrough = (await ctx.db.select().from(eventRetention).where(eq(eventRetention.id, 1)).then(firstRow))?.deletedThrough ?? 0;
  if (query.after !== undefined && after < deletedThrough) {
    throw new Gone(
      `Events after cursor ${after} are no longer kept (retention deleted through ${deletedThrough}); read the current state and follow the feed from "${deletedThrough}"`,
      'cursor-expired',
    );
  }
  const rows = await ctx.db
    .select()
    .from(events)
    .where(
      and(
        gt(events.seq, after),
        query.orgId ? eq(events.orgId, query.orgId) : undefined,
        query.types?.length ? inArray(events.type, query.types) : undefined,
      ),
    )
    .orderBy(asc(events.seq))
    .limit(query.limit);
  return { data: rows.map(toSeatdEvent), nextCursor: String(rows.at(-1)?.seq ?? after) };
}

/** An event as the feed and webhooks show it. */
export function toSeatdEvent(r: typeof events.$inferSelect): SeatdEvent {
  return { id: r.id, type: r.type as EventType, orgId: r.orgId, occurredAt: r.occurredAt, actor: r.actor as EventActor, data: r.data };
}

/** Deletes events older than the retention period, oldest first, remembering how far it went. Run by the server's sweep. */
export async function deleteOldEvents(ctx: DomainContext, retentionDays: number): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - retentionDays * 86_400_000).toISOString();
  return inTransaction(ctx, async (tx) => {
    const last = (
      await tx
        .select({ seq: sql<number | null>`max(${events.seq})` })
        .from(events)
        .where(lt(events.occurredAt, cutoff))
        .then(firstRow)
    )?.seq;
    if (!last) return 0;
    const deleted = (await tx.delete(events).where(sql`${events.seq} <= ${last}`)).changes;
    await tx.update(eventRetention).set({ deletedThrough: last }).where(eq(eventRetention.id, 1));
    return deleted;
  });
}
