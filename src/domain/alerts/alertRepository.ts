import { and, asc, desc, eq, gte, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { prepared } from '../prepared';
import { alertDeliveries, alerts, orgs, seatPools, seatRefusals } from '../../../db/schema';
import type { SeatPool } from '../ledger/seatChange';
import type { Queryable } from '../context';
import type { SeatType } from '../seatTypes';
import { firstRow } from '../rows';

export type AlertRow = typeof alerts.$inferSelect;
export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;
export type AlertStatus = AlertRow['status'];

/** Checked on every seat taken once a pool is past a threshold, so prepared once per connection. */
export async function findUnresolvedAlert(
  q: Queryable,
  orgId: string,
  kind: AlertRow['kind'],
  seatType: SeatType,
  threshold: number | null,
): Promise<AlertRow | undefined> {
  const statement = prepared(q, threshold === null ? 'findUnresolvedAlert:any' : 'findUnresolvedAlert:threshold', (db) =>
    db
      .select()
      .from(alerts)
      .where(
        and(
          eq(alerts.orgId, sql.placeholder('orgId')),
          eq(alerts.kind, sql.placeholder('kind')),
          eq(alerts.seatType, sql.placeholder('seatType')),
          threshold === null ? isNull(alerts.threshold) : eq(alerts.threshold, sql.placeholder('threshold')),
          ne(alerts.status, 'resolved'),
        ),
      )
      .prepare(),
  );
  return statement.get({ orgId, kind, seatType, threshold });
}

/** A pool and its org's alert thresholds in one read; asked on every seat taken, so prepared once per connection. */
export async function poolAndThresholds(
  q: Queryable,
  orgId: string,
  seatType: SeatType,
): Promise<{ pool: SeatPool; thresholds: number[] } | undefined> {
  const statement = prepared(q, 'poolAndThresholds', (db) =>
    db
      .select({ purchased: seatPools.purchased, assigned: seatPools.assigned, thresholds: orgs.alertThresholds })
      .from(seatPools)
      .innerJoin(orgs, eq(orgs.id, seatPools.orgId))
      .where(and(eq(seatPools.orgId, sql.placeholder('orgId')), eq(seatPools.seatType, sql.placeholder('seatType'))))
      .prepare(),
  );
  const row = await statement.get({ orgId, seatType });
  return row && { pool: { purchased: row.purchased, assigned: row.assigned }, thresholds: row.thresholds };
}

/** The pool's unresolved threshold alert (one per pool, escalating; the highest, where older data holds two). */
export async function findUnresolvedThresholdAlert(q: Queryable, orgId: string, seatType: SeatType): Promise<AlertRow | undefined> {
  return q
    .select()
    .from(alerts)
    .where(and(eq(alerts.orgId, orgId), eq(alerts.kind, 'pool_threshold'), eq(alerts.seatType, seatType), ne(alerts.status, 'resolved')))
    .orderBy(desc(alerts.threshold))
    .then(firstRow);
}

export async function unresolvedAlerts(q: Queryable, orgId: string): Promise<AlertRow[]> {
  return q
    .select()
    .from(alerts)
    .where(and(eq(alerts.orgId, orgId), ne(alerts.status, 'resolved')));
}

export async function insertAlert(q: Queryable, row: typeof alerts.$inferInsert): Promise<void> {
  await q.insert(alerts).values(row);
}

export async function updateAlert(q: Queryable, id: string, values: Partial<typeof alerts.$inferInsert>): Promise<void> {
  await q.update(alerts).set(values).where(eq(alerts.id, id));
}

export async function findAlert(q: Queryable, orgId: string, id: string): Promise<AlertRow | undefined> {
  return q
    .select()
    .from(alerts)
    .where(and(eq(alerts.orgId, orgId), eq(alerts.id, id)))
    .then(firstRow);
}

export async function listAlertRows(q: Queryable, orgId: string, statuses?: AlertStatus[]): Promise<AlertRow[]> {
  const conditions: SQL[] = [eq(alerts.orgId, orgId)];
  if (statuses?.length) conditions.push(inArray(alerts.status, statuses));
  return q
    .select()
    .from(alerts)
    .where(and(...conditions))
    .orderBy(desc(alerts.lastEventAt), desc(alerts.id));
}

/** The people refused for lack of a seat of the type while the alert was unresolved. */
export async function refusalsDuring(q: Queryable, orgId: string, seatType: SeatType, from: string, to: string | null) {
  const conditions: SQL[] = [eq(seatRefusals.orgId, orgId), eq(seatRefusals.seatType, seatType), gte(seatRefusals.at, from)];
  if (to) conditions.push(lte(seatRefusals.at, to));
  return q
    .select({ email: seatRefusals.email, path: seatRefusals.path, at: seatRefusals.at })
    .from(seatRefusals)
    .where(and(...conditions))
    .orderBy(desc(seatRefusals.id))
    .limit(100);
}

export async function insertDeliveries(q: Queryable, rows: (typeof alertDeliveries.$inferInsert)[]): Promise<void> {
  if (rows.length) await q.insert(alertDeliveries).values(rows);
}

/**
 * Claims due deliveries no live lease holds, for `workerId` until `leaseUntil`: one UPDATE under
 * SQLite's write lock, so two processes never claim the same delivery. Asked on every pass of the
 * worker, so prepared once per connection.
 */
export async function claimDueDeliveries(
  q: Queryable,
  workerId: string,
  nowIso: string,
  leaseUntil: string,
  limit: number,
): Promise<AlertDeliveryRow[]> {
  const statement = prepared(q, 'claimDueDeliveries', (db) => {
    const claimable = and(
      eq(alertDeliveries.status, 'pending'),
      lte(alertDeliveries.nextAttemptAt, sql.placeholder('now')),
      or(isNull(alertDeliveries.leaseUntil), lte(alertDeliveries.leaseUntil, sql.placeholder('now'))),
    );
    const due = db
      .select({ id: alertDeliveries.id })
      .from(alertDeliveries)
      .where(claimable)
      .orderBy(asc(alertDeliveries.nextAttemptAt))
      .limit(sql.placeholder('limit'));
    return db
      .update(alertDeliveries)
      .set({ claimedBy: sql`${sql.placeholder('workerId')}`, leaseUntil: sql`${sql.placeholder('leaseUntil')}` })
      .where(and(inArray(alertDeliveries.id, due), claimable))
      .returning()
      .prepare();
  });
  return statement.all({ now: nowIso, limit, workerId, leaseUntil });
}

/** Records an attempt's outcome and ends the claim, only while `workerId` still holds it (else another worker has taken over). */
export async function updateClaimedDelivery(
  q: Queryable,
  id: string,
  workerId: string,
  values: Partial<typeof alertDeliveries.$inferInsert>,
): Promise<boolean> {
  return (
    (
      await q
        .update(alertDeliveries)
        .set({ ...values, claimedBy: null, leaseUntil: null })
        .where(and(eq(alertDeliveries.id, id), eq(alertDeliveries.claimedBy, workerId)))
    ).changes === 1
  );
}

/** An alert mail to `destination` not yet tried: later alerts of the same burst join it instead of sending another. */
export async function findUnsentEmail(q: Queryable, orgId: string, destination: string): Promise<AlertDeliveryRow | undefined> {
  return q
    .select()
    .from(alertDeliveries)
    .where(
      and(
        eq(alertDeliveries.orgId, orgId),
        eq(alertDeliveries.channel, 'email'),
        eq(alertDeliveries.destination, destination),
        eq(alertDeliveries.status, 'pending'),
        eq(alertDeliveries.attempts, 0),
        isNull(alertDeliveries.claimedBy),
      ),
    )
    .orderBy(asc(alertDeliveries.createdAt))
    .then(firstRow);
}

export async function updateDelivery(q: Queryable, id: string, values: Partial<typeof alertDeliveries.$inferInsert>): Promise<void> {
  await q.update(alertDeliveries).set(values).where(eq(alertDeliveries.id, id));
}

export async function listDeliveryRows(q: Queryable, orgId: string, alertId?: string): Promise<AlertDeliveryRow[]> {
  const where = alertId ? and(eq(alertDeliveries.orgId, orgId), eq(alertDeliveries.alertId, alertId)) : eq(alertDeliveries.orgId, orgId);
  return q.select().from(alertDeliveries).where(or(where)).orderBy(desc(alertDeliveries.createdAt)).limit(200);
}
