import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { contracts, invoiceCounters, invoiceLines, invoices, seatLedgerEntries, seatPools } from '../../../db/schema';
import type { Queryable } from '../context';
import { prepared } from '../prepared';
import type { SeatType } from '../seatTypes';
import type { PricedLine, SeatPool, SeatPools } from './seatChange';
import { firstRow } from '../rows';

export type ContractRow = typeof contracts.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;

export async function findContract(q: Queryable, orgId: string): Promise<ContractRow | undefined> {
  return q.select().from(contracts).where(eq(contracts.orgId, orgId)).then(firstRow);
}

export async function insertContract(q: Queryable, row: typeof contracts.$inferInsert): Promise<void> {
  await q.insert(contracts).values(row);
}

export async function autoRenewingContracts(q: Queryable): Promise<ContractRow[]> {
  return q.select().from(contracts).where(eq(contracts.autoRenew, true));
}

/** A renewal moves the contract into its next term; what the term held stays in the ledger and the invoices. */
export async function setTermStart(q: Queryable, orgId: string, termStart: string): Promise<void> {
  await q.update(contracts).set({ termStart }).where(eq(contracts.orgId, orgId));
}

export async function readPools(q: Queryable, orgId: string): Promise<SeatPools> {
  const statement = prepared(q, 'readPools', (db) =>
    db
      .select()
      .from(seatPools)
      .where(eq(seatPools.orgId, sql.placeholder('orgId')))
      .prepare(),
  );
  const pools: SeatPools = { standard: { purchased: 0, assigned: 0 }, premium: { purchased: 0, assigned: 0 } };
  for (const r of await statement.all({ orgId })) pools[r.seatType] = { purchased: r.purchased, assigned: r.assigned };
  return pools;
}

export async function insertPools(q: Queryable, orgId: string, purchased: Record<SeatType, number>): Promise<void> {
  await q.insert(seatPools).values([
    { orgId, seatType: 'standard', purchased: purchased.standard, assigned: 0 },
    { orgId, seatType: 'premium', purchased: purchased.premium, assigned: 0 },
  ]);
}

/**
 * Changes the seats bought by `delta`, relative to what the row holds when the statement runs: never
 * an absolute count read earlier, which another writer could have moved meanwhile.
 */
export async function addPurchased(q: Queryable, orgId: string, seatType: SeatType, delta: number): Promise<void> {
  await q
    .update(seatPools)
    .set({ purchased: sql`${seatPools.purchased} + ${delta}` })
    .where(and(eq(seatPools.orgId, orgId), eq(seatPools.seatType, seatType)));
}

/** Takes one seat if one is free, atomically, and answers the pool after it; null when the pool is full. */
export async function takeSeat(q: Queryable, orgId: string, seatType: SeatType): Promise<SeatPool | null> {
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
  return (await statement.get({ orgId, seatType })) ?? null;
}

export async function giveBackSeat(q: Queryable, orgId: string, seatType: SeatType): Promise<void> {
  const result = await q
    .update(seatPools)
    .set({ assigned: sql`${seatPools.assigned} - 1` })
    .where(and(eq(seatPools.orgId, orgId), eq(seatPools.seatType, seatType), gt(seatPools.assigned, 0)));
  if (result.changes !== 1) throw new Error(`seat pool ${orgId}/${seatType} has no assigned seat to release`);
}

export async function appendLedgerEntries(q: Queryable, rows: (typeof seatLedgerEntries.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await q.insert(seatLedgerEntries).values(rows);
}

/** Purchased seats per type as the ledger entries sum them; the pools must always agree. */
export async function sumLedger(q: Queryable, orgId: string): Promise<Record<SeatType, number>> {
  const rows = await q
    .select({ seatType: seatLedgerEntries.seatType, total: sql<number>`sum(${seatLedgerEntries.purchasedDelta})` })
    .from(seatLedgerEntries)
    .where(eq(seatLedgerEntries.orgId, orgId))
    .groupBy(seatLedgerEntries.seatType);
  const sums = { standard: 0, premium: 0 };
  for (const r of rows) sums[r.seatType] = Number(r.total);
  return sums;
}

export async function findInvoiceByIdempotencyKey(q: Queryable, orgId: string, key: string): Promise<InvoiceRow | undefined> {
  return q
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), eq(invoices.idempotencyKey, key)))
    .then(firstRow);
}

export async function findInvoice(q: Queryable, orgId: string, id: string): Promise<InvoiceRow | undefined> {
  return q
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), eq(invoices.id, id)))
    .then(firstRow);
}

export async function listInvoiceRows(q: Queryable, orgId: string): Promise<InvoiceRow[]> {
  return q.select().from(invoices).where(eq(invoices.orgId, orgId)).orderBy(desc(invoices.issuedAt), desc(invoices.number));
}

/** One page of the org's invoices, newest first: numbers run in issue order, so the last number read is the cursor. */
export async function listInvoiceRowsPage(
  q: Queryable,
  orgId: string,
  page: { limit: number; beforeNumber?: string },
): Promise<InvoiceRow[]> {
  return q
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), page.beforeNumber ? lt(invoices.number, page.beforeNumber) : undefined))
    .orderBy(desc(invoices.number))
    .limit(page.limit);
}

/** The lines of several invoices in one query, by invoice id, in position order. */
export async function readLinesOfInvoices(q: Queryable, invoiceIds: string[]): Promise<Map<string, InvoiceLineRow[]>> {
  const byInvoice = new Map<string, InvoiceLineRow[]>(invoiceIds.map((id) => [id, []]));
  if (!invoiceIds.length) return byInvoice;
  const rows = await q
    .select()
    .from(invoiceLines)
    .where(inArray(invoiceLines.invoiceId, invoiceIds))
    .orderBy(asc(invoiceLines.invoiceId), asc(invoiceLines.position));
  for (const row of rows) byInvoice.get(row.invoiceId)?.push(row);
  return byInvoice;
}

export async function readInvoiceLines(q: Queryable, invoiceId: string): Promise<InvoiceLineRow[]> {
  return q.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId)).orderBy(asc(invoiceLines.position));
}

export async function insertInvoice(q: Queryable, row: typeof invoices.$inferInsert, lines: PricedLine[]): Promise<void> {
  await q.insert(invoices).values(row);
  await q.insert(invoiceLines).values(lines.map((l, position) => ({ invoiceId: row.id, position, ...l })));
}

/**
 * The next number in the issuer's yearly sequence, INV-2026-000001: one upsert of the year's counter
 * row in the caller's transaction, so two invoicing transactions never take the same number and a
 * rolled-back one gives its number back.
 */
export async function nextInvoiceNumber(q: Queryable, year: number): Promise<string> {
  const prefix = `INV-${year}-`;
  const [row] = await q
    .insert(invoiceCounters)
    .values({ prefix, last: 1 })
    .onConflictDoUpdate({ target: invoiceCounters.prefix, set: { last: sql`${invoiceCounters.last} + 1` } })
    .returning({ last: invoiceCounters.last });
  return `${prefix}${String(row!.last).padStart(6, '0')}`;
}
