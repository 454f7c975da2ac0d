import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { events, webhookDeliveries, webhookEndpoints } from '../../../db/schema';
import type { Queryable } from '../context';
import { firstRow } from '../rows';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type EventRow = typeof events.$inferSelect;

/** Which endpoints a caller manages: the operator's own, or one org's owners'. */
export type WebhookScope = { managedBy: 'operator' } | { managedBy: 'org'; orgId: string };

const inScope = (scope: WebhookScope) =>
  scope.managedBy === 'operator'
    ? eq(webhookEndpoints.managedBy, 'operator')
    : and(eq(webhookEndpoints.managedBy, 'org'), eq(webhookEndpoints.orgId, scope.orgId));

export async function insertEndpoint(q: Queryable, row: typeof webhookEndpoints.$inferInsert): Promise<void> {
  await q.insert(webhookEndpoints).values(row);
}

export async function findEndpoint(q: Queryable, scope: WebhookScope, id: string): Promise<WebhookEndpointRow | undefined> {
  return q
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), inScope(scope)))
    .then(firstRow);
}

export async function findEndpointById(q: Queryable, id: string): Promise<WebhookEndpointRow | undefined> {
  return q.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).then(firstRow);
}

export async function listEndpoints(q: Queryable, scope: WebhookScope): Promise<WebhookEndpointRow[]> {
  return q.select().from(webhookEndpoints).where(inScope(scope)).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

export async function updateEndpoint(q: Queryable, id: string, values: Partial<typeof webhookEndpoints.$inferInsert>): Promise<void> {
  await q.update(webhookEndpoints).set(values).where(eq(webhookEndpoints.id, id));
}

/** The endpoint and its delivery log. */
export async function deleteEndpoint(q: Queryable, id: string): Promise<void> {
  await q.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id));
  await q.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
}

/** The newest event's sequence number: a new endpoint receives what happens after it. */
export async function lastEventSeq(q: Queryable): Promise<number> {
  return (
    (
      await q
        .select({ seq: sql<number | null>`max(${events.seq})` })
        .from(events)
        .then(firstRow)
    )?.seq ?? 0
  );
}

export async function findEventById(q: Queryable, eventId: string): Promise<EventRow | undefined> {
  return q.select().from(events).where(eq(events.id, eventId)).then(firstRow);
}

export async function findEventBySeq(q: Queryable, seq: number): Promise<EventRow | undefined> {
  return q.select().from(events).where(eq(events.seq, seq)).then(firstRow);
}

/** Events after `cursor` that an endpoint of `orgId` (null: every org) may receive, oldest first. */
export async function eventsAfter(q: Queryable, cursor: number, orgId: string | null, limit: number): Promise<EventRow[]> {
  return q
    .select()
    .from(events)
    .where(and(gt(events.seq, cursor), orgId === null ? undefined : eq(events.orgId, orgId)))
    .orderBy(asc(events.seq))
    .limit(limit);
}

/** Active, neither leased nor backing off. */
const claimable = (nowIso: string) =>
  and(
    eq(webhookEndpoints.status, 'active'),
    or(isNull(webhookEndpoints.leaseUntil), lte(webhookEndpoints.leaseUntil, nowIso)),
    or(isNull(webhookEndpoints.nextAttemptAt), lte(webhookEndpoints.nextAttemptAt, nowIso)),
  );

/** A pending delivery, or events after the cursor. */
const hasWork = sql`(exists (select 1 from ${webhookDeliveries} d where d.endpoint_id = ${webhookEndpoints.id} and d.status = 'pending')
    or exists (select 1 from ${events} e where e.seq > ${webhookEndpoints.cursor}
      and (${webhookEndpoints.orgId} is null or e.org_id = ${webhookEndpoints.orgId})))`;

/** Whether a claim could get anything: read without a transaction, so a worker with nothing to do writes nothing. */
export async function anyClaimableEndpoint(q: Queryable, nowIso: string): Promise<boolean> {
  return (
    (await q
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(claimable(nowIso), hasWork))
      .limit(1)
      .then(firstRow)) !== undefined
  );
}

/**
 * Claims up to `limit` active endpoints that have work (a pending delivery, or events after their
 * cursor) and are neither leased nor backing off. One UPDATE under SQLite's write lock: two workers
 * can never both get the same endpoint while its lease runs.
 */
export async function claimEndpoints(
  q: Queryable,
  workerId: string,
  nowIso: string,
  leaseUntil: string,
  limit: number,
): Promise<WebhookEndpointRow[]> {
  const free = claimable(nowIso);
  const candidates = q
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(free, hasWork))
    .orderBy(asc(webhookEndpoints.updatedAt))
    .limit(limit);
  return q
    .update(webhookEndpoints)
    .set({ claimedBy: workerId, leaseUntil })
    .where(and(inArray(webhookEndpoints.id, candidates), free))
    .returning();
}

/** Extends the claimant's lease and applies `values`; false when the claim no longer stands. */
export async function updateClaimedEndpoint(
  q: Queryable,
  id: string,
  workerId: string,
  values: Partial<typeof webhookEndpoints.$inferInsert>,
): Promise<boolean> {
  return (
    (
      await q
        .update(webhookEndpoints)
        .set(values)
        .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.claimedBy, workerId)))
    ).changes === 1
  );
}

export async function releaseEndpoint(q: Queryable, id: string, workerId: string): Promise<void> {
  await q
    .update(webhookEndpoints)
    .set({ claimedBy: null, leaseUntil: null })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.claimedBy, workerId)));
}

export async function insertDeliveries(q: Queryable, rows: (typeof webhookDeliveries.$inferInsert)[]): Promise<void> {
  if (rows.length) await q.insert(webhookDeliveries).values(rows);
}

/** The oldest pending delivery of an endpoint: the next one to send; later ones wait for it. */
export async function headDelivery(q: Queryable, endpointId: string): Promise<WebhookDeliveryRow | undefined> {
  return q
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')))
    .orderBy(asc(webhookDeliveries.seq))
    .limit(1)
    .then(firstRow);
}

export async function updateDelivery(q: Queryable, seq: number, values: Partial<typeof webhookDeliveries.$inferInsert>): Promise<void> {
  await q.update(webhookDeliveries).set(values).where(eq(webhookDeliveries.seq, seq));
}

/** An endpoint's delivery log, newest first, before the `before` cursor (a delivery's seq). */
export async function listDeliveries(
  q: Queryable,
  endpointId: string,
  before: number | undefined,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  return q
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), before === undefined ? undefined : lt(webhookDeliveries.seq, before)))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit);
}
