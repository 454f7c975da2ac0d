import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { events, webhookDeliveries, webhookEndpoints } from '../../../db/schema';
import type { Queryable } from '../context';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type EventRow = typeof events.$inferSelect;

/** Which endpoints a caller manages: the operator's own, or one org's owners'. */
export type WebhookScope = { managedBy: 'operator' } | { managedBy: 'org'; orgId: string };

const inScope = (scope: WebhookScope) =>
  scope.managedBy === 'operator'
    ? eq(webhookEndpoints.managedBy, 'operator')
    : and(eq(webhookEndpoints.managedBy, 'org'), eq(webhookEndpoints.orgId, scope.orgId));

export function insertEndpoint(q: Queryable, row: typeof webhookEndpoints.$inferInsert): void {
  q.insert(webhookEndpoints).values(row).run();
}

export function findEndpoint(q: Queryable, scope: WebhookScope, id: string): WebhookEndpointRow | undefined {
  return q
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), inScope(scope)))
    .get();
}

export function findEndpointById(q: Queryable, id: string): WebhookEndpointRow | undefined {
  return q.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();
}

export function listEndpoints(q: Queryable, scope: WebhookScope): WebhookEndpointRow[] {
  return q.select().from(webhookEndpoints).where(inScope(scope)).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id)).all();
}

export function updateEndpoint(q: Queryable, id: string, values: Partial<typeof webhookEndpoints.$inferInsert>): void {
  q.update(webhookEndpoints).set(values).where(eq(webhookEndpoints.id, id)).run();
}

/** The endpoint and its delivery log. */
export function deleteEndpoint(q: Queryable, id: string): void {
  q.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)).run();
  q.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).run();
}

/** The newest event's sequence number: a new endpoint receives what happens after it. */
export function lastEventSeq(q: Queryable): number {
  return (
    q
      .select({ seq: sql<number | null>`max(${events.seq})` })
      .from(events)
      .get()?.seq ?? 0
  );
}

export function findEventById(q: Queryable, eventId: string): EventRow | undefined {
  return q.select().from(events).where(eq(events.id, eventId)).get();
}

export function findEventBySeq(q: Queryable, seq: number): EventRow | undefined {
  return q.select().from(events).where(eq(events.seq, seq)).get();
}

/** Events after `cursor` that an endpoint of `orgId` (null: every org) may receive, oldest first. */
export function eventsAfter(q: Queryable, cursor: number, orgId: string | null, limit: number): EventRow[] {
  return q
    .select()
    .from(events)
    .where(and(gt(events.seq, cursor), orgId === null ? undefined : eq(events.orgId, orgId)))
    .orderBy(asc(events.seq))
    .limit(limit)
    .all();
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
export function anyClaimableEndpoint(q: Queryable, nowIso: string): boolean {
  return (
    q
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(claimable(nowIso), hasWork))
      .limit(1)
      .get() !== undefined
  );
}

/**
 * Claims up to `limit` active endpoints that have work (a pending delivery, or events after their
 * cursor) and are neither leased nor backing off. One UPDATE under SQLite's write lock: two workers
 * can never both get the same endpoint while its lease runs.
 */
export function claimEndpoints(q: Queryable, workerId: string, nowIso: string, leaseUntil: string, limit: number): WebhookEndpointRow[] {
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
    .returning()
    .all();
}

/** Extends the claimant's lease and applies `values`; false when the claim no longer stands. */
export function updateClaimedEndpoint(
  q: Queryable,
  id: string,
  workerId: string,
  values: Partial<typeof webhookEndpoints.$inferInsert>,
): boolean {
  return (
    q
      .update(webhookEndpoints)
      .set(values)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.claimedBy, workerId)))
      .run().changes === 1
  );
}

export function releaseEndpoint(q: Queryable, id: string, workerId: string): void {
  q.update(webhookEndpoints)
    .set({ claimedBy: null, leaseUntil: null })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.claimedBy, workerId)))
    .run();
}

export function insertDeliveries(q: Queryable, rows: (typeof webhookDeliveries.$inferInsert)[]): void {
  if (rows.length) q.insert(webhookDeliveries).values(rows).run();
}

/** The oldest pending delivery of an endpoint: the next one to send; later ones wait for it. */
export function headDelivery(q: Queryable, endpointId: string): WebhookDeliveryRow | undefined {
  return q
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')))
    .orderBy(asc(webhookDeliveries.seq))
    .limit(1)
    .get();
}

export function updateDelivery(q: Queryable, seq: number, values: Partial<typeof webhookDeliveries.$inferInsert>): void {
  q.update(webhookDeliveries).set(values).where(eq(webhookDeliveries.seq, seq)).run();
}

/** An endpoint's delivery log, newest first, before the `before` cursor (a delivery's seq). */
export function listDeliveries(q: Queryable, endpointId: string, before: number | undefined, limit: number): WebhookDeliveryRow[] {
  return q
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), before === undefined ? undefined : lt(webhookDeliveries.seq, before)))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit)
    .all();
}
