import { and, isNotNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** The comparisons a query filter makes (SCIM's, which adapters translate their filters into). */
export type Comparison = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';
export type Condition<F extends string> = { field: F; op: Comparison; value?: string | boolean | null };
/** A boolean tree of conditions; `true`/`false` stand for tests known in advance (e.g. a resource type). */
export type QueryFilter<F extends string> =
  | Condition<F>
  | boolean
  | { and: QueryFilter<F>[] }
  | { or: QueryFilter<F>[] }
  | { not: QueryFilter<F> };

/**
 * One comparison of a text column. Case-insensitive ones compare lower(column) — or the column
 * itself when `storedLowerCased` — with the lower-cased value, so an index on either serves.
 */
export function comparisonSql(
  column: SQLiteColumn,
  condition: Condition<string>,
  caseInsensitive: boolean,
  storedLowerCased = false,
): SQL {
  const target: SQL = caseInsensitive && !storedLowerCased ? sql`lower(${column})` : sql`${column}`;
  const raw = condition.value === null || condition.value === undefined ? null : String(condition.value);
  const value = raw !== null && caseInsensitive ? raw.toLowerCase() : raw;
  switch (condition.op) {
    case 'pr':
      return and(isNotNull(column), ne(column, ''))!;
    case 'eq':
      return value === null ? sql`${column} IS NULL` : sql`${target} = ${value}`;
    case 'ne':
      return value === null ? isNotNull(column) : sql`(${target} <> ${value} OR ${column} IS NULL)`;
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

/** The SQL of a filter tree, each condition written by `conditionSql`. */
export function filterTreeSql<F extends string>(
  filter: QueryFilter<F> | undefined,
  conditionSql: (condition: Condition<F>) => SQL,
): SQL | undefined {
  if (filter === undefined) return undefined;
  const tree = (f: QueryFilter<F>): SQL => filterTreeSql(f, conditionSql)!;
  if (typeof filter === 'boolean') return filter ? sql`1 = 1` : sql`1 = 0`;
  if ('and' in filter) return sql`(${and(...filter.and.map(tree))})`;
  if ('or' in filter) return sql`(${or(...filter.or.map(tree))})`;
  if ('not' in filter) return sql`NOT coalesce(${tree(filter.not)}, 0)`;
  return conditionSql(filter);
}
