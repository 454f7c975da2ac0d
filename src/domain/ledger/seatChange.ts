import { formatCalendarDate, type CalendarDate } from '../calendarDate';
import { Conflict, Invalid } from '../errors';
import { SEAT_TYPES, type SeatType } from '../seatTypes';
import { isWithinTerm, prorateAmount, remainingMonths, termEnd, type Term } from './proration';
import { MAX_SEATS_PER_CHANGE, MAX_SEATS_PER_POOL } from './limits';

/** A requested change to the seats of a contract: additions and Standard→Premium upgrades. */
export type SeatChange = {
  add: { standard: number; premium: number };
  upgrade: { standardToPremium: number };
};

export type ContractPrices = { currency: string; standardPriceAmount: number; premiumPriceAmount: number };

export type SeatPool = { purchased: number; assigned: number };
export type SeatPools = Record<SeatType, SeatPool>;

export type SeatChangeLineKind = 'add_standard' | 'add_premium' | 'upgrade_standard_to_premium' | 'renew_standard' | 'renew_premium';

export type PricedLine = {
  kind: SeatChangeLineKind;
  seatType: SeatType;
  quantity: number;
  unitAmount: number;
  amount: number;
  description: string;
};

export type SeatChangeQuote = {
  currency: string;
  effectiveDate: string;
  termStart: string;
  termEnd: string;
  remainingMonths: number;
  lines: PricedLine[];
  total: number;
  seatsAfter: Record<SeatType, { purchased: number }>;
};

/** Seats are only ever added or upgraded during a term: every count is a whole number ≥ 0, and one is > 0. */
export function validateSeatChange(change: SeatChange): void {
  const counts: [string, number][] = [
    ['add.standard', change.add.standard],
    ['add.premium', change.add.premium],
    ['upgrade.standardToPremium', change.upgrade.standardToPremium],
  ];
  for (const [field, n] of counts) {
    if (!Number.isSafeInteger(n)) throw Invalid.field(field, 'must be a whole number');
    if (n > MAX_SEATS_PER_CHANGE) throw Invalid.field(field, `one change adds or upgrades at most ${MAX_SEATS_PER_CHANGE.toLocaleString('en')} seats`);
    if (n < 0) {
      throw Invalid.field(
        field,
        field.startsWith('upgrade')
          ? 'downgrades are not possible during a term (Premium seats cannot become Standard)'
          : 'seats cannot be removed during a term; the total never goes down, seats are reassigned',
      );
    }
  }
  if (change.add.standard + change.add.premium > MAX_SEATS_PER_CHANGE) {
    throw Invalid.field('add', `one change adds at most ${MAX_SEATS_PER_CHANGE.toLocaleString('en')} seats`);
  }
  if (counts.every(([, n]) => n === 0)) {
    throw new Invalid('The change is empty: add seats or upgrade at least one seat', [
      { field: 'add', message: 'nothing to add or upgrade' },
    ]);
  }
}

/**
 * The pools after a change. Additions land first, then the upgrade converts free Standard seats
 * (a Standard seat held by a member cannot change type under them).
 */
export function applySeatChange(pools: SeatPools, change: SeatChange): SeatPools {
  const standardPurchased = pools.standard.purchased + change.add.standard;
  const freeStandard = standardPurchased - pools.standard.assigned;
  const n = change.upgrade.standardToPremium;
  if (n > freeStandard) {
    throw new Conflict(
      `Cannot upgrade ${n} Standard seat(s): only ${freeStandard} Standard seat(s) are free. ` +
        'An upgrade converts free Standard seats; add Standard seats in the same change or free some first.',
      'not-enough-free-standard-seats',
    );
  }
  const after = {
    standard: { purchased: standardPurchased - n, assigned: pools.standard.assigned },
    premium: { purchased: pools.premium.purchased + change.add.premium + n, assigned: pools.premium.assigned },
  };
  for (const t of SEAT_TYPES) {
    if (after[t].purchased > MAX_SEATS_PER_POOL) {
      throw Invalid.field(`add.${t}`, `a pool holds at most ${MAX_SEATS_PER_POOL.toLocaleString('en')} seats; this change would make ${after[t].purchased}`);
    }
  }
  return after;
}

export function priceSeatChange(
  prices: ContractPrices,
  term: Term,
  pools: SeatPools,
  change: SeatChange,
  effectiveDate: CalendarDate,
): SeatChangeQuote {
  validateSeatChange(change);
  if (!isWithinTerm(term, effectiveDate)) {
    throw Invalid.field(
      'effectiveDate',
      `${formatCalendarDate(effectiveDate)} is outside the contract term ` +
        `${formatCalendarDate(term.start)}..${formatCalendarDate(termEnd(term))}`,
    );
  }
  const after = applySeatChange(pools, change);
  const months = remainingMonths(term, effectiveDate);
  const line = (kind: SeatChangeLineKind, seatType: SeatType, quantity: number, annualAmount: number, label: string): PricedLine => ({
    kind,
    seatType,
    quantity,
    unitAmount: prorateAmount(1, annualAmount, months),
    amount: prorateAmount(quantity, annualAmount, months),
    description: `${label} × ${quantity}, ${months}/12 of the annual price`,
  });
  const lines: PricedLine[] = [];
  if (change.add.standard > 0)
    lines.push(line('add_standard', 'standard', change.add.standard, prices.standardPriceAmount, 'Standard seat'));
  if (change.add.premium > 0) lines.push(line('add_premium', 'premium', change.add.premium, prices.premiumPriceAmount, 'Premium seat'));
  if (change.upgrade.standardToPremium > 0) {
    lines.push(
      line(
        'upgrade_standard_to_premium',
        'premium',
        change.upgrade.standardToPremium,
        prices.premiumPriceAmount - prices.standardPriceAmount,
        'Upgrade Standard → Premium',
      ),
    );
  }
  return {
    currency: prices.currency,
    effectiveDate: formatCalendarDate(effectiveDate),
    termStart: formatCalendarDate(term.start),
    termEnd: formatCalendarDate(termEnd(term)),
    remainingMonths: months,
    lines,
    total: lines.reduce((sum, l) => sum + l.amount, 0),
    seatsAfter: { standard: { purchased: after.standard.purchased }, premium: { purchased: after.premium.purchased } },
  };
}

/** A renewal's lines: every seat in use, per type, for a full term (`months`) at the contract prices. */
export function priceRenewal(prices: ContractPrices, pools: SeatPools, months: number): PricedLine[] {
  const price: Record<SeatType, number> = { standard: prices.standardPriceAmount, premium: prices.premiumPriceAmount };
  return SEAT_TYPES.filter((t) => pools[t].assigned > 0).map((t) => {
    const unitAmount = prorateAmount(1, price[t], months);
    return {
      kind: `renew_${t}` as const,
      seatType: t,
      quantity: pools[t].assigned,
      unitAmount,
      amount: unitAmount * pools[t].assigned,
      description: `${t === 'standard' ? 'Standard' : 'Premium'} seat × ${pools[t].assigned}, full term`,
    };
  });
}
