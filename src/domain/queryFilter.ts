import { and, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** The comparisons a query filter makes (SCIM's, which adapters translate their filters into). */
export type Comparison = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';
export type Condition<F extends string> = { field: F; op: Comparison; value?: string | boolean | null };
/**
 * A boolean tree of conditions (and of `Leaf`s, tests of another kind); `true`/`false` stand for
 * tests known in advance (e.g. a resource type).
 */
export type QueryFilter<F extends string, Leaf = never> =
  Condition<F> | Leaf | boolean | { and: QueryFilter<F, Leaf>[] } | { or: QueryFilter<F, Leaf>[] } | { not: QueryFilter<F, Leaf> };

/**
 * One comparison of a text column. Case-insensitive ones compare lower(column) — or the column
 * itself when `storedLowerCased` — with the lower-cased value, so an index on either serves.
 */
export function comparisonSql(
  column: SQLiteColumn | SQL,
  condition: Condition<string>,
  caseInsensitive: boolean,
  storedLowerCased = false,
): SQL {
  const target: SQL = caseInsensitive && !storedLowerCased ? sql`lower(${column})` : sql`${column}`;
  const raw = condition.value === null || condition.value === undefined ? null : String(condition.value);
  const value = raw !== null && caseInsensitive ? raw.toLowerCase() : raw;
  switch (condition.op) {
    case 'pr':
      return sql`(${column} IS NOT NULL AND ${column} <> '')`;
    case 'eq':
      return value === null ? sql`${column} IS NULL` : sql`${target} = ${value}`;
    case 'ne':
      return value === null ? sql`${column} IS NOT NULL` : sql`(${target} <> ${value} OR ${column} IS NULL)`;
    // instr/substr compare exactly; case-insensitive fields are lower-cased on both sides above.
    case 'co':
      return sql`instr(${target}, ${value ?? ''}) > 0`;
    case 'sw':
      return sql`substr(${target}, 1, length(${value ?? ''})) = ${value ?? ''}`;
    case 'ew':
      return sql`(length(${target}) >= length(${value ?? ''}) AND substr(${target}, length(${target}) - length(${value ?? ''}) + 1) = ${value ?? ''})`;
    case 'gt':
      return sql`${target} > ${value ?? ''}`;
    case 'ge':
      return sql`${target} >= ${value ?? ''}`;
    case 'lt':
      return sql`${target} < ${value ?? ''}`;
    case 'le':
      return sql`${target} <= ${value ?? ''}`;
  }
}

/** The SQL of a filter tree, each condition (or other leaf) written by `leafSql`. */
export function filterTreeSql<F extends string, Leaf extends object = never>(
  filter: QueryFilter<F, Leaf> | undefined,
  leafSql: (leaf: Condition<F> | Leaf) => SQL,
): SQL | undefined {
  if (filter === undefined) return undefined;
  const tree = (f: QueryFilter<F, Leaf>): SQL => filterTreeSql(f, leafSql)!;
  if (typeof filter === 'boolean') return filter ? sql`1 = 1` : sql`1 = 0`;
  if ('and' in filter) return sql`(${and(...filter.and.map(tree))})`;
  if ('or' in filter) return sql`(${or(...filter.or.map(tree))})`;
  if ('not' in filter) return sql`NOT coalesce(${tree(filter.not)}, false)`;
  return leafSql(filter);
}
