import { and, asc, desc, eq, gte, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { prepared } from '../prepared';
import { alertDeliveries, alerts, seatRefusals } from '../../../db/schema';
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

/** The delivery worker asks on every pass (each timer tick and each queued delivery), so prepared once per connection. */
export async function dueDeliveries(q: Queryable, nowIso: string, limit: number): Promise<AlertDeliveryRow[]> {
  const statement = prepared(q, 'dueDeliveries', (db) =>
    db
      .select()
      .from(alertDeliveries)
      .where(and(eq(alertDeliveries.status, 'pending'), lte(alertDeliveries.nextAttemptAt, sql.placeholder('now'))))
      .orderBy(asc(alertDeliveries.nextAttemptAt))
      .limit(sql.placeholder('limit'))
      .prepare(),
  );
  return statement.all({ now: nowIso, limit });
}

export async function updateDelivery(q: Queryable, id: string, values: Partial<typeof alertDeliveries.$inferInsert>): Promise<void> {
  await q.update(alertDeliveries).set(values).where(eq(alertDeliveries.id, id));
}

export async function listDeliveryRows(q: Queryable, orgId: string, alertId?: string): Promise<AlertDeliveryRow[]> {
  const where = alertId ? and(eq(alertDeliveries.orgId, orgId), eq(alertDeliveries.alertId, alertId)) : eq(alertDeliveries.orgId, orgId);
  return q.select().from(alertDeliveries).where(or(where)).orderBy(desc(alertDeliveries.createdAt)).limit(200);
}
