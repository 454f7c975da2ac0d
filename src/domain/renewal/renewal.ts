import { addMonths, calendarDateOf, compareCalendarDates, formatCalendarDate, parseCalendarDate, type CalendarDate } from '../calendarDate';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type DomainContext, type Tx } from '../context';
import { expireDueInvitations } from '../provisioning/seatReservation';
import { newId, sha256Hex } from '../ids';
import { SEAT_TYPES, type SeatType } from '../seatTypes';
import * as repo from '../ledger/ledgerRepository';
import { termEnd } from '../ledger/proration';
import { priceRenewal } from '../ledger/seatChange';
import { recordEvent } from '../events/events';

export type Renewal = {
  orgId: string;
  term: { start: string; end: string };
  /** The seats carried into the new term: those in use when the old one ended. */
  seats: Record<SeatType, number>;
  invoice: { id: string; number: string; total: number; currency: string } | null;
};

/**
 * Rolls an auto-renewing contract into its next term once the current one has ended: the new term
 * keeps the seats in use at the end of the old one, per type (seats nobody used are not renewed),
 * and is invoiced at once for the full term at the contract prices. One transaction per term;
 * the renewal invoice's idempotency key (`renewal:<new term start>`) makes a second run a no-op.
 * A contract that does not auto-renew is left as it is: after its end, seat changes are refused
 * as outside the term.
 */
export async function renewIfDue(ctx: DomainContext, orgId: string): Promise<Renewal[]> {
  const renewals: Renewal[] = [];
  for (;;) {
    const renewal = await inTransaction(orgScoped(ctx, orgId), (tx) => renewOnce(ctx, tx, orgId));
    if (!renewal) return renewals;
    renewals.push(renewal);
  }
}

/**
 * Every auto-renewing contract whose term has ended, renewed. Run by the server's sweep and by
 * `seatd renew`. A contract more than one term behind (seatd was down for over a year, or a clock
 * jumped) is not caught up on its own, since that would invoice term after term at once: it is
 * left for an operator's explicit `seatd renew --catch-up` (see overdueContracts).
 */
export async function renewDueContracts(ctx: DomainContext, options: { catchUp?: boolean } = {}): Promise<Renewal[]> {
  const now = ctx.clock.now();
  const due = (await repo.autoRenewingContracts(ctx.db)).filter((c) => {
    const missed = missedTerms(c, now);
    return missed === 1 || (options.catchUp === true && missed > 1);
  });
  const renewals: Renewal[] = [];
  for (const c of due) renewals.push(...(await renewIfDue(ctx, c.orgId)));
  return renewals;
}

/** Auto-renewing contracts more than one term behind, which only `seatd renew --catch-up` renews. */
export async function overdueContracts(ctx: DomainContext): Promise<{ orgId: string; termStart: string; missedTerms: number }[]> {
  const now = ctx.clock.now();
  return (await repo.autoRenewingContracts(ctx.db))
    .map((c) => ({ orgId: c.orgId, termStart: c.termStart, missedTerms: missedTerms(c, now) }))
    .filter((c) => c.missedTerms > 1);
}

/** How many terms of the contract have ended by `now` and not been renewed. */
function missedTerms(contract: repo.ContractRow, now: Date): number {
  const today = calendarDateOf(now);
  let missed = 0;
  while (compareCalendarDates(addMonths(parseCalendarDate(contract.termStart), contract.termMonths * (missed + 1)), today) <= 0) missed++;
  return missed;
}

/** The start of the contract's next term, once the current term has ended by `now`. */
function dueTermStart(contract: repo.ContractRow, now: Date): CalendarDate | undefined {
  const start = addMonths(parseCalendarDate(contract.termStart), contract.termMonths);
  return compareCalendarDates(start, calendarDateOf(now)) <= 0 ? start : undefined;
}

async function renewOnce(ctx: DomainContext, tx: Tx, orgId: string): Promise<Renewal | null> {
  const contract = await repo.findContract(tx, orgId);
  if (!contract?.autoRenew) return null;
  const now = ctx.clock.now();
  const start = dueTermStart(contract, now);
  if (!start) return null;
  const startText = formatCalendarDate(start);
  await expireDueInvitations(ctx, tx, orgId); // an invitation that ran out holds no seat into the next term
  const pools = await repo.readPools(tx, orgId);
  const seats = { standard: pools.standard.assigned, premium: pools.premium.assigned };
  const lines = priceRenewal(contract, pools, contract.termMonths);
  const idempotencyKey = `renewal:${startText}`;
  if (await repo.findInvoiceByIdempotencyKey(tx, orgId, idempotencyKey)) return null;

  let invoice: Renewal['invoice'] = null;
  if (lines.length) {
    const invoiceId = newId('inv');
    const total = lines.reduce((sum, l) => sum + l.amount, 0);
    const number = await repo.nextInvoiceNumber(tx, now.getUTCFullYear());
    await repo.insertInvoice(
      tx,
      {
        id: invoiceId,
        orgId,
        number,
        issuedAt: now.toISOString(),
        effectiveDate: startText,
        remainingMonths: contract.termMonths,
        currency: contract.currency,
        totalAmount: total,
        idempotencyKey,
        requestHash: sha256Hex(JSON.stringify(['renewal', startText, seats.standard, seats.premium])),
        createdBy: 'system',
      },
      lines,
    );
    invoice = { id: invoiceId, number, total, currency: contract.currency };
    await recordEvent(tx, now, {
      type: 'invoice.created',
      orgId,
      actor: 'system',
      data: {
        invoice: {
          id: invoiceId,
          number,
          issuedAt: now.toISOString(),
          effectiveDate: startText,
          currency: contract.currency,
          lines,
          total,
        },
      },
    });
  }
  await repo.appendLedgerEntries(
    tx,
    SEAT_TYPES.filter((t) => pools[t].purchased !== seats[t]).map((t) => ({
      orgId,
      kind: 'renew' as const,
      seatType: t,
      purchasedDelta: seats[t] - pools[t].purchased,
      invoiceId: invoice?.id ?? null,
      effectiveDate: startText,
      createdAt: now.toISOString(),
    })),
  );
  for (const t of SEAT_TYPES) if (pools[t].purchased !== seats[t]) await repo.addPurchased(tx, orgId, t, seats[t] - pools[t].purchased);
  await repo.setTermStart(tx, orgId, startText);
  const term = { start: startText, end: formatCalendarDate(termEnd({ start, months: contract.termMonths })) };
  await recordAudit(tx, now, {
    orgId,
    actor: 'system',
    action: 'contract.renew',
    target: invoice?.number ?? null,
    outcome: 'success',
    details: { previousTermStart: contract.termStart, term, seats, total: invoice?.total ?? 0, currency: contract.currency },
  });
  await recordEvent(tx, now, {
    type: 'contract.renewed',
    orgId,
    actor: 'system',
    data: {
      previousTermStart: contract.termStart,
      term,
      seats,
      invoiceId: invoice?.id ?? null,
      total: invoice?.total ?? 0,
      currency: contract.currency,
    },
  });
  return { orgId, term, seats, invoice };
}
