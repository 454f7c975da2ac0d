import type { SeatPool } from '../ledger/seatChange';

/** Whole percent of the pool in use, rounded down; an empty pool counts as fully used only when someone holds a seat. */
export function usagePercent(pool: SeatPool): number {
  if (pool.purchased === 0) return pool.assigned > 0 ? 100 : 0;
  return Math.floor((pool.assigned * 100) / pool.purchased);
}

/** The thresholds the pool is at or above. */
export function reachedThresholds(pool: SeatPool, thresholds: readonly number[]): number[] {
  if (pool.purchased === 0) return [];
  const percent = usagePercent(pool);
  return thresholds.filter((t) => percent >= t);
}

/**
 * The day a pool is expected to run out at the recent admission rate, or null when nothing is
 * being admitted. `admissions` counts seats taken over `windowDays`.
 */
export function forecastExhaustion(
  available: number,
  admissions: number,
  windowDays: number,
  today: Date,
): { date: string | null; perDay: number } {
  const perDay = admissions / windowDays;
  if (available <= 0) return { date: today.toISOString().slice(0, 10), perDay };
  if (perDay <= 0) return { date: null, perDay };
  const days = Math.ceil(available / perDay);
  return { date: new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10), perDay };
}

/**
 * Seats to add so an alert's condition no longer holds: for a threshold alert, enough to bring the
 * pool below the lowest threshold; for a refusal alert, a seat for each refused person beyond what
 * is free now. At least one.
 */
export function seatsToClear(
  pool: SeatPool,
  alert: { kind: 'pool_threshold' | 'seat_refused'; refusedPeople: number },
  thresholds: readonly number[],
): number {
  if (alert.kind === 'seat_refused') return Math.max(1, alert.refusedPeople - (pool.purchased - pool.assigned));
  const lowest = Math.min(...thresholds);
  if (!Number.isFinite(lowest) || lowest <= 0) return 1;
  // below `lowest` percent: floor(assigned × 100 / purchased) < lowest ⟺ purchased > assigned × 100 / lowest
  const needed = Math.floor((pool.assigned * 100) / lowest) + 1;
  return Math.max(1, needed - pool.purchased);
}
