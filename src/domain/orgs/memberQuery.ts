import { and, asc, count, desc, eq, inArray, isNotNull, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { members } from '../../../db/schema';
import type { DomainContext } from '../context';
import { creationOrder, userNameKey } from './memberRepository';
import { toMember, type Member } from './members';

/** Member fields a query may test; adapters (SCIM) map their attribute names onto these. */
export type MemberField =
  | 'id'
  | 'email'
  | 'userName'
  | 'externalId'
  | 'givenName'
  | 'familyName'
  | 'displayName'
  | 'active'
  | 'seatType'
  | 'createdAt'
  | 'updatedAt';
export type Comparison = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';
export type Condition = { field: MemberField; op: Comparison; value?: string | boolean | null };
/** A boolean tree of conditions; `true`/`false` stand for tests known in advance (e.g. an email type seatd does not store). */
export type MemberQueryFilter =
  Condition | boolean | { and: MemberQueryFilter[] } | { or: MemberQueryFilter[] } | { not: MemberQueryFilter };

const COLUMNS = {
  id: members.id,
  email: members.email,
  userName: members.userName,
  externalId: members.externalId,
  givenName: members.givenName,
  familyName: members.familyName,
  displayName: members.displayName,
  seatType: members.seatType,
  createdAt: members.createdAt,
  updatedAt: members.updatedAt,
} as const;

/** Text fields compared without regard to case (SCIM's caseExact=false). */
const CASE_INSENSITIVE = new Set<MemberField>(['email', 'userName', 'givenName', 'familyName', 'displayName']);

function conditionSql(c: Condition): SQL {
  if (c.field === 'active') {
    const holding = inArray(members.status, ['active', 'invited']);
    const inactive = notInArray(members.status, ['active', 'invited']);
    if (c.op === 'pr') return sql`1 = 1`;
    return (c.op === 'eq') === Boolean(c.value) ? holding : inactive;
  }
  const column = COLUMNS[c.field];
  // email is stored lower-cased, so its index serves; userName has an index on lower(user_name), which this matches.
  const insensitive = CASE_INSENSITIVE.has(c.field) && c.field !== 'email';
  const target: SQL = insensitive ? sql`lower(${column})` : sql`${column}`;
  const raw = c.value === null || c.value === undefined ? null : String(c.value);
  const value = raw !== null && CASE_INSENSITIVE.has(c.field) ? raw.toLowerCase() : raw;
  let base: SQL;
  switch (c.op) {
    case 'pr':
      base = and(isNotNull(column), ne(column, ''))!;
      break;
    case 'eq':
      base = value === null ? sql`${column} IS NULL` : sql`${target} = ${value}`;
      break;
    case 'ne':
      base = value === null ? isNotNull(column) : sql`(${target} <> ${value} OR ${column} IS NULL)`;
      break;
    // instr/substr compare exactly; case-insensitive fields are lower-cased on both sides above.
    case 'co':
      base = sql`instr(${target}, ${value ?? ''}) > 0`;
      break;
    case 'sw':
      base = sql`substr(${target}, 1, length(${value ?? ''})) = ${value ?? ''}`;
      break;
    case 'ew':
      base = sql`(length(${target}) >= length(${value ?? ''}) AND substr(${target}, length(${target}) - length(${value ?? ''}) + 1) = ${value ?? ''})`;
      break;
    case 'gt':
      base = sql`${target} > ${value ?? ''}`;
      break;
    case 'ge':
      base = sql`${target} >= ${value ?? ''}`;
      break;
    case 'lt':
      base = sql`${target} < ${value ?? ''}`;
      break;
    case 'le':
      base = sql`${target} <= ${value ?? ''}`;
      break;
  }
  return base;
}

export function filterSql(filter: MemberQueryFilter | undefined): SQL | undefined {
  if (filter === undefined) return undefined;
  if (typeof filter === 'boolean') return filter ? sql`1 = 1` : sql`1 = 0`;
  if ('and' in filter) return sql`(${and(...filter.and.map((f) => filterSql(f)!))})`;
  if ('or' in filter) return sql`(${or(...filter.or.map((f) => filterSql(f)!))})`;
  if ('not' in filter) return sql`NOT coalesce(${filterSql(filter.not)!}, 0)`;
  return conditionSql(filter);
}

export type MemberPageQuery = {
  filter?: MemberQueryFilter;
  sortBy?: Exclude<MemberField, 'active'>;
  descending?: boolean;
  offset: number;
  limit: number;
};

/** One page of an org's members, filtered, sorted and paged in SQL. */
export function queryMembers(ctx: DomainContext, orgId: string, query: MemberPageQuery): { total: number; members: Member[] } {
  const where = and(eq(members.orgId, orgId), filterSql(query.filter));
  const total = ctx.db.select({ n: count() }).from(members).where(where).get()?.n ?? 0;
  if (query.limit === 0) return { total, members: [] };
  const sortColumn =
    !query.sortBy || query.sortBy === 'createdAt' ? creationOrder : query.sortBy === 'userName' ? userNameKey : COLUMNS[query.sortBy];
  const order = query.descending ? desc(sortColumn) : asc(sortColumn);
  // Page over rowids first: the offset is skipped inside an index without reading rows; then
  // only the page's rows are read.
  const rowids = ctx.db
    .select({ rowid: creationOrder })
    .from(members)
    .where(where)
    .orderBy(order, asc(creationOrder))
    .limit(query.limit)
    .offset(query.offset)
    .all()
    .map((r) => r.rowid);
  if (!rowids.length) return { total, members: [] };
  const byRowid = new Map(
    ctx.db
      .select({ rowid: creationOrder, row: members })
      .from(members)
      .where(and(eq(members.orgId, orgId), inArray(creationOrder, rowids)))
      .all()
      .map((r) => [r.rowid, r.row]),
  );
  return { total, members: rowids.map((rowid) => toMember(byRowid.get(rowid)!)) };
}
