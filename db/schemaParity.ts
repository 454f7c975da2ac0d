import type { InferSelectModel, Table } from 'drizzle-orm';
import type * as sqlite from './schema';
import type * as postgres from './schema.pg';

/*
 * Compile-time check that db/schema.ts (SQLite) and db/schema.pg.ts (PostgreSQL) describe the same
 * tables with the same row types, so code written against one reads the same rows from the other.
 * `npm run typecheck` fails on a difference, naming it: a table in one file only, or a column
 * (missing on one side, or of another type) as "table.column".
 */

/** Columns one dialect has for its own reasons, left out of the comparison. */
type PostgresOnlyColumns = {
  /** The inserting transaction, for the feed's commit-order cursor (docs/events.md). */
  events: 'xactId';
  /** Creation order: SQLite's implicit rowid, an identity column here (ADR 0072). */
  members: 'rowid';
};

type TablesOf<S> = { [K in keyof S as S[K] extends Table ? K : never]: S[K] };
type SqliteTables = TablesOf<typeof sqlite>;
type PostgresTables = TablesOf<typeof postgres>;

type Flatten<T> = { [K in keyof T]: T[K] };
type Row<T> = T extends Table ? Flatten<InferSelectModel<T>> : never;
type Exempt<K> = K extends keyof PostgresOnlyColumns ? PostgresOnlyColumns[K] : never;
type PostgresRow<K extends keyof PostgresTables> = Flatten<Omit<Row<PostgresTables[K]>, Exempt<K>>>;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

type ColumnMismatches<A, B> = {
  [C in keyof A | keyof B]: C extends keyof A ? (C extends keyof B ? (Equal<A[C], B[C]> extends true ? never : C) : C) : C;
}[keyof A | keyof B];

type Mismatches =
  | { [K in keyof SqliteTables]: K extends keyof PostgresTables ? never : `${K & string} (only in schema.ts)` }[keyof SqliteTables]
  | { [K in keyof PostgresTables]: K extends keyof SqliteTables ? never : `${K & string} (only in schema.pg.ts)` }[keyof PostgresTables]
  | {
      [K in keyof SqliteTables & keyof PostgresTables]: `${K & string}.${ColumnMismatches<Row<SqliteTables[K]>, PostgresRow<K>> & string}`;
    }[keyof SqliteTables & keyof PostgresTables];

type ExpectNone<T extends 'none'> = T;

/** Fails to compile with the mismatches in the message ("…does not satisfy the constraint 'none'"). */
export type SchemaParity = ExpectNone<[Mismatches] extends [never] ? 'none' : Mismatches>;
