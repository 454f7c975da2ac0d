import { isRetryable, numberPlaceholders } from '../../db/postgresDomainDb';

/** The translation of the SQLite dialect's statements for PostgreSQL (ADR 0072). */
describe('SQLite-dialect statements on PostgreSQL', () => {
  it('numbers placeholders in order and leaves question marks in quoted strings and names alone', () => {
    expect(numberPlaceholders(`select "a?" from "t" where "x" = ? and "y" in (?, ?) and z = 'why?'`)).toBe(
      `select "a?" from "t" where "x" = $1 and "y" in ($2, $3) and z = 'why?'`,
    );
    expect(numberPlaceholders(`select 'it''s ?' , ?`)).toBe(`select 'it''s ?' , $1`);
  });

  it('writes conflict targets without their table, as PostgreSQL wants them', () => {
    expect(
      numberPlaceholders(`insert into "invoice_counters" ("prefix", "last") values (?, ?) on conflict ("invoice_counters"."prefix") do update set "last" = "invoice_counters"."last" + 1`),
    ).toBe(`insert into "invoice_counters" ("prefix", "last") values ($1, $2) on conflict ("prefix") do update set "last" = "invoice_counters"."last" + 1`);
    expect(numberPlaceholders(`insert into "m" ("g", "m") values (?, ?) on conflict ("m"."g","m"."m") do nothing`)).toBe(
      `insert into "m" ("g", "m") values ($1, $2) on conflict ("g","m") do nothing`,
    );
  });

  it('runs a unit again on serialization failures and deadlocks only, also when drizzle wraps them', () => {
    expect(isRetryable({ code: '40001' })).toBe(true);
    expect(isRetryable(new Error('Failed query', { cause: { code: '40P01' } }))).toBe(true);
    expect(isRetryable({ code: '23505' })).toBe(false);
    expect(isRetryable(new Error('no'))).toBe(false);
  });
});
