import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { contracts, invoiceCounters, invoiceLines, invoices, seatLedgerEntries, seatPools } from '../../../db/schema';
import type { Queryable } from '../context';
import { prepared } from '../prepared';
import type { SeatType } from '../seatTypes';
import type { PricedLine, SeatPool, SeatPools } from './seatChange';

export type ContractRow = typeof contracts.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;

export function findContract(q: Queryable, orgId: string): ContractRow | undefined {
  return q.select().from(contracts).where(eq(contracts.orgId, orgId)).get();
}

export function insertContract(q: Queryable, row: typeof contracts.$inferInsert): void {
  q.insert(contracts).values(row).run();
}

export function autoRenewingContracts(q: Queryable): ContractRow[] {
  return q.select().from(contracts).where(eq(contracts.autoRenew, true)).all();
}

/** A renewal moves the contract into its next term; what the term held stays in the ledger and the invoices. */
export function setTermStart(q: Queryable, orgId: string, termStart: string): void {
  q.update(contracts).set({ termStart }).where(eq(contracts.orgId, orgId)).run();
}

export function readPools(q: Queryable, orgId: string): SeatPools {
  const statement = prepared(q, 'readPools', (db) =>
    db
      .select()
      .from(seatPools)
      .where(eq(seatPools.orgId, sql.placeholder('orgId')))
      .prepare(),
  );
  const pools: SeatPools = { standard: { purchased: 0, assigned: 0 }, premium: { purchased: 0, assigned: 0 } };
  for (const r of statement.all({ orgId })) pools[r.seatType] = { purchased: r.purchased, assigned: r.assigned };
  return pools;
}

export function insertPools(q: Queryable, orgId: string, purchased: Record<SeatType, number>): void {
  q.insert(seatPools)
    .values([
      { orgId, seatType: 'standard', purchased: purchased.standard, assigned: 0 },
      { orgId, seatType: 'premium', purchased: purchased.premium, assigned: 0 },
    ])
    .run();
}

export function setPurchased(q: Queryable, orgId: string, seatType: SeatType, purchased: number): void {
  q.update(seatPools)
    .set({ purchased })
    .where(and(eq(seatPools.orgId, orgId), eq(seatPools.seatType, seatType)))
    .run();
}

/** Takes one seat if one is free, atomically, and answers the pool after it; null when the pool is full. */
export function takeSeat(q: Queryable, orgId: string, seatType: SeatType): SeatPool | null {
  const statement = prepared(q, 'takeSeat', (db) =>
    db
      .update(seatPools)
      .set({ assigned: sql`${seatPools.assigned} + 1` })
      .where(
        and(
          eq(seatPools.orgId, sql.placeholder('orgId')),
          eq(seatPools.seatType, sql.placeholder('seatType')),
          lt(seatPools.assigned, seatPools.purchased),
        ),
      )
      .returning({ purchased: seatPools.purchased, assigned: seatPools.assigned })
      .prepare(),
  );
  return statement.get({ orgId, seatType }) ?? null;
}

export function giveBackSeat(q: Queryable, orgId: string, seatType: SeatType): void {
  const result = q
    .update(seatPools)
    .set({ assigned: sql`${seatPools.assigned} - 1` })
    .where(and(eq(seatPools.orgId, orgId), eq(seatPools.seatType, seatType), gt(seatPools.assigned, 0)))
    .run();
  if (result.changes !== 1) throw new Error(`seat pool ${orgId}/${seatType} has no assigned seat to release`);
}

export function appendLedgerEntries(q: Queryable, rows: (typeof seatLedgerEntries.$inferInsert)[]): void {
  if (rows.length > 0) q.insert(seatLedgerEntries).values(rows).run();
}

/** Purchased seats per type as the ledger entries sum them; the pools must always agree. */
export function sumLedger(q: Queryable, orgId: string): Record<SeatType, number> {
  const rows = q
    .select({ seatType: seatLedgerEntries.seatType, total: sql<number>`sum(${seatLedgerEntries.purchasedDelta})` })
    .from(seatLedgerEntries)
    .where(eq(seatLedgerEntries.orgId, orgId))
    .groupBy(seatLedgerEntries.seatType)
    .all();
  const sums = { standard: 0, premium: 0 };
  for (const r of rows) sums[r.seatType] = Number(r.total);
  return sums;
}

export function findInvoiceByIdempotencyKey(q: Queryable, orgId: string, key: string): InvoiceRow | undefined {
  return q
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), eq(invoices.idempotencyKey, key)))
    .get();
}

export function findInvoice(q: Queryable, orgId: string, id: string): InvoiceRow | undefined {
  return q
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), eq(invoices.id, id)))
    .get();
}

export function listInvoiceRows(q: Queryable, orgId: string): InvoiceRow[] {
  return q.select().from(invoices).where(eq(invoices.orgId, orgId)).orderBy(desc(invoices.issuedAt), desc(invoices.number)).all();
}

/** One page of the org's invoices, newest first: numbers run in issue order, so the last number read is the cursor. */
export function listInvoiceRowsPage(q: Queryable, orgId: string, page: { limit: number; beforeNumber?: string }): InvoiceRow[] {
  return q
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), page.beforeNumber ? lt(invoices.number, page.beforeNumber) : undefined))
    .orderBy(desc(invoices.number))
    .limit(page.limit)
    .all();
}

/** The lines of several invoices in one query, by invoice id, in position order. */
export function readLinesOfInvoices(q: Queryable, invoiceIds: string[]): Map<string, InvoiceLineRow[]> {
  const byInvoice = new Map<string, InvoiceLineRow[]>(invoiceIds.map((id) => [id, []]));
  if (!invoiceIds.length) return byInvoice;
  const rows = q
    .select()
    .from(invoiceLines)
    .where(inArray(invoiceLines.invoiceId, invoiceIds))
    .orderBy(asc(invoiceLines.invoiceId), asc(invoiceLines.position))
    .all();
  for (const row of rows) byInvoice.get(row.invoiceId)?.push(row);
  return byInvoice;
}

export function readInvoiceLines(q: Queryable, invoiceId: string): InvoiceLineRow[] {
  return q.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId)).orderBy(asc(invoiceLines.position)).all();
}

export function insertInvoice(q: Queryable, row: typeof invoices.$inferInsert, lines: PricedLine[]): void {
  q.insert(invoices).values(row).run();
  q.insert(invoiceLines)
    .values(lines.map((l, position) => ({ invoiceId: row.id, position, ...l })))
    .run();
}

/**
 * The next number in the issuer's yearly sequence, INV-2026-000001: one upsert of the year's counter
 * row in the caller's transaction, so two invoicing transactions never take the same number and a
 * rolled-back one gives its number back.
 */
export function nextInvoiceNumber(q: Queryable, year: number): string {
  const prefix = `INV-${year}-`;
  const row = q
    .insert(invoiceCounters)
    .values({ prefix, last: 1 })
    .onConflictDoUpdate({ target: invoiceCounters.prefix, set: { last: sql`${invoiceCounters.last} + 1` } })
    .returning({ last: invoiceCounters.last })
    .get();
  return `${prefix}${String(row.last).padStart(6, '0')}`;
}
