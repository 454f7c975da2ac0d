import type { Db } from '../../db/connection';

const TABLES = [
  'members',
  'invitations',
  'invoices',
  'invoice_lines',
  'seat_ledger_entries',
  'seat_refusals',
  'audit_log',
  'alerts',
  'alert_deliveries',
] as const;

/** Row counts and pools, to prove a refused or failed operation left nothing behind. */
export function snapshot(db: Db) {
  const counts = Object.fromEntries(
    TABLES.map((t) => [t, (db.$client.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]),
  ) as Record<(typeof TABLES)[number], number>;
  const pools = db.$client.prepare('SELECT org_id, seat_type, purchased, assigned FROM seat_pools ORDER BY org_id, seat_type').all();
  return { ...counts, pools };
}

/** Members holding a seat per type must equal the pools' assigned counts. */
export function seatHoldersByType(db: Db, orgId: string): Record<string, number> {
  const rows = db.$client
    .prepare("SELECT seat_type, count(*) AS n FROM members WHERE org_id = ? AND status IN ('invited','active') GROUP BY seat_type")
    .all(orgId) as { seat_type: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.seat_type, r.n]));
}
