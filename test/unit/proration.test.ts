import { parseCalendarDate as d, addMonths, formatCalendarDate } from '../../src/domain/calendarDate';
import { prorateAmount, remainingMonths, termEnd } from '../../src/domain/ledger/proration';
import { priceSeatChange, applySeatChange, validateSeatChange } from '../../src/domain/ledger/seatChange';
import { Conflict, Invalid } from '../../src/domain/errors';

const prices = { currency: 'USD', standardPriceAmount: 36000, premiumPriceAmount: 72000 };
const term = { start: d('2026-01-01'), months: 12 };
const pools = { standard: { purchased: 100, assigned: 1 }, premium: { purchased: 0, assigned: 0 } };
const change = (standard = 0, premium = 0, upgrade = 0) => ({ add: { standard, premium }, upgrade: { standardToPremium: upgrade } });

describe('the seed example', () => {
  it('prices 5 Standard added and 10 upgraded on 1 March as one quote of two lines, to the cent', () => {
    const quote = priceSeatChange(prices, term, pools, change(5, 0, 10), d('2026-03-01'));
    expect(quote.remainingMonths).toBe(10);
    expect(quote.lines).toEqual([
      {
        kind: 'add_standard',
        seatType: 'standard',
        quantity: 5,
        unitAmount: 30000,
        amount: 150000,
        description: 'Standard seat × 5, 10/12 of the annual price',
      },
      {
        kind: 'upgrade_standard_to_premium',
        seatType: 'premium',
        quantity: 10,
        unitAmount: 30000,
        amount: 300000,
        description: 'Upgrade Standard → Premium × 10, 10/12 of the annual price',
      },
    ]);
    expect(quote.total).toBe(450000);
    expect(quote.seatsAfter).toEqual({ standard: { purchased: 95 }, premium: { purchased: 10 } });
    expect([quote.termStart, quote.termEnd]).toEqual(['2026-01-01', '2026-12-31']);
  });
});

describe('remainingMonths', () => {
  it.each([
    ['2026-01-01', 12, 'the first day of the term'],
    ['2026-01-31', 12, 'the end of the first month'],
    ['2026-02-01', 11, 'the first day of the second month'],
    ['2026-03-01', 10, 'the seed example'],
    ['2026-03-31', 10, 'a begun month counts whole'],
    ['2026-12-01', 1, 'the first day of the last month'],
    ['2026-12-31', 1, 'the last day of the term'],
  ])('%s in a 1 January term → %i (%s)', (date, months) => {
    expect(remainingMonths(term, d(date))).toBe(months);
  });

  it('counts months from the start day when the term does not start on the 1st', () => {
    const mid = { start: d('2026-01-15'), months: 12 };
    expect(formatCalendarDate(termEnd(mid))).toBe('2027-01-14');
    expect(remainingMonths(mid, d('2026-01-15'))).toBe(12);
    expect(remainingMonths(mid, d('2026-02-14'))).toBe(12);
    expect(remainingMonths(mid, d('2026-02-15'))).toBe(11);
    expect(remainingMonths(mid, d('2027-01-14'))).toBe(1);
  });

  it('clamps to short months from the original start day (31 January term)', () => {
    const end = { start: d('2026-01-31'), months: 12 };
    expect(formatCalendarDate(termEnd(end))).toBe('2027-01-30');
    expect(formatCalendarDate(addMonths(end.start, 1))).toBe('2026-02-28');
    expect(formatCalendarDate(addMonths(end.start, 2))).toBe('2026-03-31');
    expect(remainingMonths(end, d('2026-02-27'))).toBe(12);
    expect(remainingMonths(end, d('2026-02-28'))).toBe(11);
    expect(remainingMonths(end, d('2026-03-30'))).toBe(11);
    expect(remainingMonths(end, d('2026-03-31'))).toBe(10);
  });

  it('handles leap years: a 29 February term, and February in 2028', () => {
    const leap = { start: d('2024-02-29'), months: 12 };
    expect(formatCalendarDate(termEnd(leap))).toBe('2025-02-27');
    expect(remainingMonths(leap, d('2025-02-27'))).toBe(1);
    expect(remainingMonths(leap, d('2024-03-28'))).toBe(12);
    expect(remainingMonths(leap, d('2024-03-29'))).toBe(11);
    const t2028 = { start: d('2028-01-01'), months: 12 };
    expect(remainingMonths(t2028, d('2028-02-29'))).toBe(11);
    expect(() => d('2027-02-29')).toThrow(Invalid);
  });

  it('refuses a date outside the term', () => {
    expect(() => remainingMonths(term, d('2025-12-31'))).toThrow(RangeError);
    expect(() => remainingMonths(term, d('2027-01-01'))).toThrow(RangeError);
    expect(() => priceSeatChange(prices, term, pools, change(1), d('2027-01-01'))).toThrow(
      expect.objectContaining({
        fields: [{ field: 'effectiveDate', message: '2027-01-01 is outside the contract term 2026-01-01..2026-12-31' }],
      }),
    );
  });
});

describe('prorateAmount', () => {
  it('is exact for the seed lines', () => {
    expect(prorateAmount(5, 36000, 10)).toBe(150000);
    expect(prorateAmount(10, 36000, 10)).toBe(300000);
  });
  it('rounds half up once per line', () => {
    expect(prorateAmount(1, 1, 6)).toBe(1); // 0.5
    expect(prorateAmount(1, 5, 1)).toBe(0); // 0.4166…
    expect(prorateAmount(1, 7, 1)).toBe(1); // 0.5833…
    expect(prorateAmount(3, 1001, 7)).toBe(1752); // 1751.75
    expect(prorateAmount(1, 999, 1)).toBe(83); // 83.25
    expect(prorateAmount(1, 1002, 1)).toBe(84); // 83.5 → 84
  });
  it('stays exact on large amounts', () => {
    expect(prorateAmount(1_000_000, 9_999_999, 11)).toBe(9_166_665_750_000);
    expect(() => prorateAmount(Number.MAX_SAFE_INTEGER, 12, 12)).toThrow(/too large to invoice/);
  });
});

describe('validating a change', () => {
  it('refuses removals and downgrades with a reason', () => {
    expect(() => validateSeatChange(change(-1))).toThrow(/seats cannot be removed during a term/);
    expect(() => validateSeatChange(change(0, 0, -2))).toThrow(/downgrades are not possible during a term/);
    expect(() => validateSeatChange(change(1.5))).toThrow(/whole number/);
    expect(() => validateSeatChange(change())).toThrow(/The change is empty/);
  });
  it('bounds one change to a million seats, added or upgraded, and a pool to ten million', () => {
    expect(() => validateSeatChange(change(1e11))).toThrow(/at most 1,000,000 seats/);
    expect(() => validateSeatChange(change(600_000, 600_000))).toThrow(/adds at most 1,000,000 seats/);
    expect(() => validateSeatChange(change(0, 0, 1_000_001))).toThrow(/at most 1,000,000 seats/);
    expect(() => validateSeatChange(change(1_000_000))).not.toThrow();
    const big = { standard: { purchased: 9_500_000, assigned: 0 }, premium: { purchased: 0, assigned: 0 } };
    expect(() => applySeatChange(big, change(600_000))).toThrow(/at most 10,000,000 seats/);
  });
  it('upgrades only free Standard seats, counting Standard seats added in the same change', () => {
    const full = { standard: { purchased: 10, assigned: 8 }, premium: { purchased: 0, assigned: 0 } };
    expect(() => applySeatChange(full, change(0, 0, 3))).toThrow(Conflict);
    expect(applySeatChange(full, change(1, 0, 3))).toEqual({
      standard: { purchased: 8, assigned: 8 },
      premium: { purchased: 3, assigned: 0 },
    });
  });
});
