import type { Db } from '../../db/connection';
import { queryRow, queryRows } from './dbRows';

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

/** Row counts and pools, to prove a refused or failed operation left nothing behind (on SQLite or PostgreSQL). */
export async function snapshot(db: Db) {
  const counts: Record<string, number> = {};
  for (const t of TABLES) counts[t] = (await queryRow<{ n: number }>(db, `SELECT count(*) AS n FROM ${t}`))!.n;
  const pools = await queryRows(db, 'SELECT org_id, seat_type, purchased, assigned FROM seat_pools ORDER BY org_id, seat_type');
  return { ...(counts as Record<(typeof TABLES)[number], number>), pools };
}

/** Members holding a seat per type must equal the pools' assigned counts. */
export async function seatHoldersByType(db: Db, orgId: string): Promise<Record<string, number>> {
  const rows = await queryRows<{ seat_type: string; n: number }>(
    db,
    "SELECT seat_type, count(*) AS n FROM members WHERE org_id = ? AND status IN ('invited','active') GROUP BY seat_type",
    orgId,
  );
  return Object.fromEntries(rows.map((r) => [r.seat_type, r.n]));
}
