import { calendarDateOf, formatCalendarDate, parseCalendarDate, addDays, addMonths } from '../calendarDate';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type Actor, type DomainContext, type Queryable } from '../context';
import { Conflict, Invalid, NoSeatAvailable, NotFound } from '../errors';
import { newId, sha256Hex } from '../ids';
import { SEAT_TYPES, type SeatType } from '../seatTypes';
import * as repo from './ledgerRepository';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './limits';
import { termEnd, type Term } from './proration';
import { applySeatChange, priceRenewal, priceSeatChange, type PricedLine, type SeatChange, type SeatChangeQuote } from './seatChange';
import { recordEvent } from '../events/events';

export type SeatUsage = Record<SeatType, { purchased: number; assigned: number; available: number }> & {
  term: { start: string; end: string };
};

export type Invoice = {
  id: string;
  number: string;
  issuedAt: string;
  effectiveDate: string;
  remainingMonths: number;
  currency: string;
  lines: PricedLine[];
  total: number;
};

export type RenewalQuote = {
  autoRenew: boolean;
  currency: string;
  currentTermEnd: string;
  nextTerm: { start: string; end: string };
  /** Seats in use now; the renewal takes the seats in use at the end of the term. */
  seats: Record<SeatType, number>;
  lines: PricedLine[];
  total: number;
};

async function contractOf(q: Queryable, orgId: string): Promise<repo.ContractRow> {
  const contract = await repo.findContract(q, orgId);
  if (!contract) throw new NotFound('organization', orgId);
  return contract;
}

function termOf(contract: repo.ContractRow): Term {
  return { start: parseCalendarDate(contract.termStart), months: contract.termMonths };
}

export async function getSeatUsage(ctx: DomainContext, orgId: string): Promise<SeatUsage> {
  const contract = await contractOf(ctx.db, orgId);
  const pools = await repo.readPools(ctx.db, orgId);
  const term = termOf(contract);
  const usage = (t: SeatType) => ({ ...pools[t], available: pools[t].purchased - pools[t].assigned });
  return {
    standard: usage('standard'),
    premium: usage('premium'),
    term: { start: contract.termStart, end: formatCalendarDate(termEnd(term)) },
  };
}

async function quoteWithin(
  ctx: DomainContext,
  q: Queryable,
  orgId: string,
  change: SeatChange,
  effectiveDate?: string,
): Promise<SeatChangeQuote> {
  const contract = await contractOf(q, orgId);
  const date = effectiveDate ? parseCalendarDate(effectiveDate, 'effectiveDate') : calendarDateOf(ctx.clock.now());
  return priceSeatChange(contract, termOf(contract), await repo.readPools(q, orgId), change, date);
}

/** Prices a change without storing anything. */
export async function quoteSeatChange(
  ctx: DomainContext,
  orgId: string,
  change: SeatChange,
  effectiveDate?: string,
): Promise<SeatChangeQuote> {
  return quoteWithin(ctx, ctx.db, orgId, change, effectiveDate);
}

function requestHashOf(change: SeatChange, effectiveDate: string | undefined): string {
  return sha256Hex(JSON.stringify([change.add.standard, change.add.premium, change.upgrade.standardToPremium, effectiveDate ?? null]));
}

export function toInvoice(row: repo.InvoiceRow, lines: repo.InvoiceLineRow[]): Invoice {
  return {
    id: row.id,
    number: row.number,
    issuedAt: row.issuedAt,
    effectiveDate: row.effectiveDate,
    remainingMonths: row.remainingMonths,
    currency: row.currency,
    lines: lines.map(({ kind, seatType, quantity, unitAmount, amount, description }) => ({
      kind: kind as PricedLine['kind'],
      seatType,
      quantity,
      unitAmount,
      amount,
      description,
    })),
    total: row.totalAmount,
  };
}

/**
 * Confirms a change: one invoice, the ledger entries and the new pools in one transaction.
 * The idempotency key makes a retry safe: the same key and change answer the first invoice;
 * the same key with another change is a conflict.
 */
export async function confirmSeatChange(
  ctx: DomainContext,
  orgId: string,
  change: SeatChange,
  opts: { effectiveDate?: string; idempotencyKey: string; actor: Actor },
): Promise<{ invoice: Invoice; replayed: boolean }> {
  if (!opts.idempotencyKey.trim()) throw Invalid.field('Idempotency-Key', 'is required so a retried purchase is never invoiced twice');
  if (opts.idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw Invalid.field('Idempotency-Key', `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  const requestHash = requestHashOf(change, opts.effectiveDate);
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const earlier = await repo.findInvoiceByIdempotencyKey(tx, orgId, opts.idempotencyKey);
    if (earlier) {
      if (earlier.requestHash !== requestHash) {
        throw new Conflict(
          'This Idempotency-Key was already used for a different seat change; use a new key for a new change',
          'idempotency-key-reused',
        );
      }
      return { invoice: toInvoice(earlier, await repo.readInvoiceLines(tx, earlier.id)), replayed: true };
    }
    const now = ctx.clock.now();
    if (opts.effectiveDate && opts.effectiveDate > formatCalendarDate(calendarDateOf(now))) {
      throw Invalid.field('effectiveDate', 'a purchase cannot take effect in the future: seats are usable from the moment they are bought');
    }
    const quote = await quoteWithin(ctx, tx, orgId, change, opts.effectiveDate);
    const id = newId('inv');
    await repo.insertInvoice(
      tx,
      {
        id,
        orgId,
        number: await repo.nextInvoiceNumber(tx, now.getUTCFullYear()),
        issuedAt: now.toISOString(),
        effectiveDate: quote.effectiveDate,
        remainingMonths: quote.remainingMonths,
        currency: quote.currency,
        totalAmount: quote.total,
        idempotencyKey: opts.idempotencyKey,
        requestHash,
        createdBy: opts.actor,
      },
      quote.lines,
    );
    const before = await repo.readPools(tx, orgId);
    const after = applySeatChange(before, change);
    const entry = (kind: 'add' | 'upgrade', seatType: SeatType, purchasedDelta: number) => ({
      orgId,
      kind,
      seatType,
      purchasedDelta,
      invoiceId: id,
      effectiveDate: quote.effectiveDate,
      createdAt: now.toISOString(),
    });
    await repo.appendLedgerEntries(tx, [
      ...(change.add.standard ? [entry('add', 'standard', change.add.standard)] : []),
      ...(change.add.premium ? [entry('add', 'premium', change.add.premium)] : []),
      ...(change.upgrade.standardToPremium
        ? [entry('upgrade', 'standard', -change.upgrade.standardToPremium), entry('upgrade', 'premium', change.upgrade.standardToPremium)]
        : []),
    ]);
    for (const t of SEAT_TYPES) {
      if (after[t].purchased !== before[t].purchased) await repo.addPurchased(tx, orgId, t, after[t].purchased - before[t].purchased);
    }
    const invoice = toInvoice((await repo.findInvoice(tx, orgId, id))!, await repo.readInvoiceLines(tx, id));
    await recordEvent(tx, now, { type: 'invoice.created', orgId, actor: opts.actor, data: { invoice } });
    await recordEvent(tx, now, {
      type: 'seats.purchased',
      orgId,
      actor: opts.actor,
      data: {
        change,
        effectiveDate: quote.effectiveDate,
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        seatsAfter: quote.seatsAfter,
      },
    });
    await recordAudit(tx, now, {
      orgId,
      actor: opts.actor,
      action: 'seats.purchase',
      target: invoice.number,
      outcome: 'success',
      details: {
        change,
        effectiveDate: quote.effectiveDate,
        total: invoice.total,
        currency: invoice.currency,
        seatsAfter: quote.seatsAfter,
      },
    });
    return { invoice, replayed: false };
  });
}

export async function listInvoices(ctx: DomainContext, orgId: string): Promise<Invoice[]> {
  await contractOf(ctx.db, orgId);
  const invoices: Invoice[] = [];
  for (const row of await repo.listInvoiceRows(ctx.db, orgId)) invoices.push(toInvoice(row, await repo.readInvoiceLines(ctx.db, row.id)));
  return invoices;
}

export async function getInvoice(ctx: DomainContext, orgId: string, invoiceId: string): Promise<Invoice> {
  const row = await repo.findInvoice(ctx.db, orgId, invoiceId);
  if (!row) throw new NotFound('invoice', invoiceId);
  return toInvoice(row, await repo.readInvoiceLines(ctx.db, row.id));
}

/** What the next term would cost: the seats in use, per type, for a full term at the contract prices. */
export async function quoteRenewal(ctx: DomainContext, orgId: string): Promise<RenewalQuote> {
  const contract = await contractOf(ctx.db, orgId);
  const pools = await repo.readPools(ctx.db, orgId);
  const term = termOf(contract);
  const nextStart = addMonths(term.start, term.months);
  const next: Term = { start: nextStart, months: term.months };
  const lines = priceRenewal(contract, pools, term.months);
  return {
    autoRenew: contract.autoRenew,
    currency: contract.currency,
    currentTermEnd: formatCalendarDate(termEnd(term)),
    nextTerm: { start: formatCalendarDate(nextStart), end: formatCalendarDate(addDays(addMonths(next.start, next.months), -1)) },
    seats: { standard: pools.standard.assigned, premium: pools.premium.assigned },
    lines,
    total: lines.reduce((s, l) => s + l.amount, 0),
  };
}

/** Takes a free seat of the type for a new member or invitation, or refuses. Call inside the caller's transaction. */
export async function assignSeat(q: Queryable, orgId: string, seatType: SeatType): Promise<void> {
  if (!(await repo.takeSeat(q, orgId, seatType))) throw new NoSeatAvailable(orgId, seatType);
}

export async function releaseSeat(q: Queryable, orgId: string, seatType: SeatType): Promise<void> {
  await repo.giveBackSeat(q, orgId, seatType);
}

/** Pools must equal what the append-only ledger sums to (`seatd verify` checks every org: see verify.ts). */
export async function checkLedgerConsistency(
  ctx: DomainContext,
  orgId: string,
): Promise<{ ok: boolean; pools: Record<SeatType, number>; ledger: Record<SeatType, number> }> {
  const pools = await repo.readPools(ctx.db, orgId);
  const ledger = await repo.sumLedger(ctx.db, orgId);
  const purchased = { standard: pools.standard.purchased, premium: pools.premium.purchased };
  return { ok: purchased.standard === ledger.standard && purchased.premium === ledger.premium, pools: purchased, ledger };
}
