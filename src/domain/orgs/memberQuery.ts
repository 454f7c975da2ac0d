import { postgresOf } from '../../../db/postgresDomainDb';
import { and, asc, count, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import { members } from '../../../db/schema';
import type { DomainContext } from '../context';
import { comparisonSql, filterTreeSql, type Condition, type QueryFilter } from '../queryFilter';
import { creationOrder, userNameKey } from './memberRepository';
import { toMember, type Member } from './members';
import { firstRow } from '../rows';

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
export type MemberCondition = Condition<MemberField>;
/** What a test of one of a member's emails reads: its address, its type, whether it is the primary one. */
export type EmailField = 'value' | 'type' | 'primary';
export type EmailQueryFilter = QueryFilter<EmailField>;
/** Conditions on the member, and `anyEmail`: some one of the member's emails passes the test. */
export type MemberQueryFilter = QueryFilter<MemberField, { anyEmail: EmailQueryFilter }>;

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

function conditionSql(c: MemberCondition): SQL {
  if (c.field === 'active') {
    const holding = inArray(members.status, ['active', 'invited']);
    const inactive = notInArray(members.status, ['active', 'invited']);
    if (c.op === 'pr') return sql`1 = 1`;
    return (c.op === 'eq') === Boolean(c.value) ? holding : inactive;
  }
  // email is stored lower-cased, so its index serves; userName has an index on lower(user_name), which this matches.
  return comparisonSql(COLUMNS[c.field], c, CASE_INSENSITIVE.has(c.field), c.field === 'email');
}

/**
 * The member's emails as rows `member_email(value)`: those the IdP sent (kept with the member), else
 * the one seatd knows, of type work and primary, as the SCIM representation shows them. JSON is
 * where the two databases differ (json_each vs jsonb_array_elements), so each has its own.
 */
const memberEmails = {
  sqlite: sql`json_each(CASE WHEN json_array_length(${members.scimAttributes}, '$.emails') > 0
  THEN json_extract(${members.scimAttributes}, '$.emails')
  ELSE json_array(json_object('value', ${members.email}, 'type', 'work', 'primary', json('true'))) END) AS member_email`,
  postgres: sql`jsonb_array_elements(CASE WHEN jsonb_typeof(${members.scimAttributes}::jsonb -> 'emails') = 'array'
    AND jsonb_array_length(CASE WHEN jsonb_typeof(${members.scimAttributes}::jsonb -> 'emails') = 'array' THEN ${members.scimAttributes}::jsonb -> 'emails' ELSE '[]' END) > 0
  THEN ${members.scimAttributes}::jsonb -> 'emails'
  ELSE jsonb_build_array(jsonb_build_object('value', ${members.email}, 'type', 'work', 'primary', true)) END) AS member_email(value)`,
};

type Dialect = keyof typeof memberEmails;

function emailConditionSql(c: Condition<EmailField>, dialect: Dialect): SQL {
  const part = sql`json_extract(member_email.value, ${`$.${c.field}`})`;
  if (c.field !== 'primary') return comparisonSql(part, c, true);
  if (c.op === 'pr') return sql`${part} IS NOT NULL`;
  // JSON true and false read as 1 and 0 in SQLite, as the text 'true' and 'false' in PostgreSQL
  const wanted = dialect === 'sqlite' ? (c.value === true ? 1 : 0) : String(c.value === true);
  if (c.op === 'eq') return sql`${part} = ${wanted}`;
  if (c.op === 'ne') return sql`(${part} IS NULL OR ${part} <> ${wanted})`;
  return sql`1 = 0`;
}

export function filterSql(filter: MemberQueryFilter | undefined, dialect: Dialect = 'sqlite'): SQL | undefined {
  return filterTreeSql(filter, (leaf) =>
    'anyEmail' in leaf
      ? sql`EXISTS (SELECT 1 FROM ${memberEmails[dialect]} WHERE ${filterTreeSql(leaf.anyEmail, (c) => emailConditionSql(c, dialect))})`
      : conditionSql(leaf),
  );
}

export type MemberPageQuery = {
  filter?: MemberQueryFilter;
  sortBy?: Exclude<MemberField, 'active'>;
  descending?: boolean;
  offset: number;
  limit: number;
};

/** One page of an org's members, filtered, sorted and paged in SQL. */
export async function queryMembers(
  ctx: DomainContext,
  orgId: string,
  query: MemberPageQuery,
): Promise<{ total: number; members: Member[] }> {
  const where = and(eq(members.orgId, orgId), filterSql(query.filter, postgresOf(ctx.db) ? 'postgres' : 'sqlite'));
  const total = (await ctx.db.select({ n: count() }).from(members).where(where).then(firstRow))?.n ?? 0;
  if (query.limit === 0) return { total, members: [] };
  const sortColumn =
    !query.sortBy || query.sortBy === 'createdAt' ? creationOrder : query.sortBy === 'userName' ? userNameKey : COLUMNS[query.sortBy];
  const order = query.descending ? desc(sortColumn) : asc(sortColumn);
  // Page over rowids first: the offset is skipped inside an index without reading rows; then
  // only the page's rows are read.
  const rowids = (
    await ctx.db
      .select({ rowid: creationOrder })
      .from(members)
      .where(where)
      .orderBy(order, asc(creationOrder))
      .limit(query.limit)
      .offset(query.offset)
  ).map((r) => r.rowid);
  if (!rowids.length) return { total, members: [] };
  const byRowid = new Map(
    (
      await ctx.db
        .select({ rowid: creationOrder, row: members })
        .from(members)
        .where(and(eq(members.orgId, orgId), inArray(creationOrder, rowids)))
    ).map((r) => [r.rowid, r.row]),
  );
  return { total, members: rowids.map((rowid) => toMember(byRowid.get(rowid)!)) };
}
