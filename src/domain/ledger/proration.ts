import { addDays, addMonths, compareCalendarDates, type CalendarDate } from '../calendarDate';
import { Invalid } from '../errors';

export type Term = { start: CalendarDate; months: number };

/** The last day of a term: the day before the same day-of-month `months` later. */
export function termEnd(term: Term): CalendarDate {
  return addDays(addMonths(term.start, term.months), -1);
}

export function isWithinTerm(term: Term, date: CalendarDate): boolean {
  return compareCalendarDates(date, term.start) >= 0 && compareCalendarDates(date, termEnd(term)) <= 0;
}

/**
 * Whole months from `date` to the end of the term, a begun month counting whole. Term month k
 * runs from start + k months (clamped to the month's end, always from the original start so a
 * 31 January term keeps its 31st where the month has one) to the day before month k + 1.
 */
export function remainingMonths(term: Term, date: CalendarDate): number {
  if (!isWithinTerm(term, date)) throw new RangeError('date outside the term');
  let begun = 0;
  while (begun + 1 < term.months && compareCalendarDates(addMonths(term.start, begun + 1), date) <= 0) begun++;
  return term.months - begun;
}

/**
 * quantity × annualAmount × months / 12, rounded half-up to the minor unit, in exact integer
 * arithmetic (BigInt) so no float ever touches money.
 */
export function prorateAmount(quantity: number, annualAmount: number, months: number): number {
  const numerator = BigInt(quantity) * BigInt(annualAmount) * BigInt(months);
  const rounded = (numerator * 2n + 12n) / 24n;
  const result = Number(rounded);
  if (!Number.isSafeInteger(result)) throw new Invalid('The amount is too large to invoice; change fewer seats at once', [{ field: 'add', message: 'amount too large' }]);
  return result;
}
