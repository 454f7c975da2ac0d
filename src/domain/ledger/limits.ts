/**
 * Bounds that keep every amount an exact integer and every figure something a person could mean:
 * one change adds or upgrades at most a million seats, a pool holds at most ten million, an annual
 * seat price is at most 100,000,000 minor units. Their products stay far below 2^53.
 */
export const MAX_SEATS_PER_CHANGE = 1_000_000;
export const MAX_SEATS_PER_POOL = 10_000_000;
export const MAX_ANNUAL_PRICE_AMOUNT = 100_000_000;
/** Idempotency keys are the client's; longer ones are refused rather than stored. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
/** No contract term starts before this. */
export const EARLIEST_TERM_START = '2000-01-01';
