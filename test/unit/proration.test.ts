import { parseCalendarDate } from '../../src/domain/calendarDate';
import { prorateAmount, remainingMonths } from '../../src/domain/ledger/proration';

const d = parseCalendarDate;

describe('remainingMonths', () => {
  const term = { start: d('2026-01-01'), months: 12 };
  it('counts 10 months from 1 March in a January term (the seed example)', () => {
    expect(remainingMonths(term, d('2026-03-01'))).toBe(10);
  });
  it('counts a begun month whole', () => {
    expect(remainingMonths(term, d('2026-03-31'))).toBe(10);
  });
});

describe('prorateAmount', () => {
  it('charges 5 Standard seats at 360.00 for 10 months as 1500.00', () => {
    expect(prorateAmount(5, 36000, 10)).toBe(150000);
  });
  it('rounds half up to the minor unit', () => {
    expect(prorateAmount(1, 1, 6)).toBe(1); // 0.5 → 1
    expect(prorateAmount(1, 5, 1)).toBe(0); // 0.4166 → 0
  });
});
