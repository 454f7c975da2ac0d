import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { prepared } from '../prepared';
import { members } from '../../../db/schema';
import type { Queryable } from '../context';
import type { IfVersion } from '../errors';
import type { SeatType } from '../seatTypes';
import { firstRow } from '../rows';

/**
 * Creation order: a member's rowid is assigned in insertion order and never reused for an older
 * row, so it orders members as they were created — and it is in every index, so ordering by it is
 * free, and the org's own index (org_id → rowid) is the narrowest thing to count and skip over.
 */
export const creationOrder = sql<number>`${members}.rowid`;

export type MemberRow = typeof members.$inferSelect;
export type MemberStatus = MemberRow['status'];

/** Members in these states hold a seat (an invitation reserves one). */
export const SEAT_HOLDING_STATUSES: readonly MemberStatus[] = ['invited', 'active'];

export function holdsSeat(status: MemberStatus): boolean {
  return SEAT_HOLDING_STATUSES.includes(status);
}

export async function findMember(q: Queryable, orgId: string, memberId: string): Promise<MemberRow | undefined> {
  const statement = prepared(q, 'findMember', (db) =>
    db
      .select()
      .from(members)
      .where(and(eq(members.orgId, sql.placeholder('orgId')), eq(members.id, sql.placeholder('memberId'))))
      .prepare(),
  );
  return statement.get({ orgId, memberId });
}

export async function findMemberByEmail(q: Queryable, orgId: string, email: string): Promise<MemberRow | undefined> {
  const statement = prepared(q, 'findMemberByEmail', (db) =>
    db
      .select()
      .from(members)
      .where(and(eq(members.orgId, sql.placeholder('orgId')), eq(members.email, sql.placeholder('email'))))
      .prepare(),
  );
  return statement.get({ orgId, email });
}

export async function insertMember(q: Queryable, row: typeof members.$inferInsert): Promise<void> {
  const statement = prepared(q, 'insertMember', (db) =>
    db
      .insert(members)
      .values({
        id: sql.placeholder('id'),
        orgId: sql.placeholder('orgId'),
        email: sql.placeholder('email'),
        userName: sql.placeholder('userName'),
        role: sql.placeholder('role'),
        status: sql.placeholder('status'),
        seatType: sql.placeholder('seatType'),
        source: sql.placeholder('source'),
        givenName: sql.placeholder('givenName'),
        familyName: sql.placeholder('familyName'),
        displayName: sql.placeholder('displayName'),
        externalId: sql.placeholder('externalId'),
        scimAttributes: sql.placeholder('scimAttributes'),
        version: sql.placeholder('version'),
        createdAt: sql.placeholder('createdAt'),
        updatedAt: sql.placeholder('updatedAt'),
      })
      .prepare(),
  );
  await statement.run({
    givenName: null,
    familyName: null,
    displayName: null,
    externalId: null,
    scimAttributes: null,
    version: 1,
    ...row,
    userName: row.userName ?? row.email,
  });
}

/** userName compared without regard to case (SCIM's caseExact=false), as the unique index on lower(user_name) serves it. */
export const userNameKey = sql<string>`lower(${members.userName})`;

export async function findMemberByUserName(q: Queryable, orgId: string, userName: string): Promise<MemberRow | undefined> {
  const statement = prepared(q, 'findMemberByUserName', (db) =>
    db
      .select()
      .from(members)
      .where(and(eq(members.orgId, sql.placeholder('orgId')), eq(userNameKey, sql`lower(${sql.placeholder('userName')})`)))
      .prepare(),
  );
  return statement.get({ orgId, userName });
}

export async function updateMember(
  q: Queryable,
  orgId: string,
  memberId: string,
  values: Partial<typeof members.$inferInsert>,
): Promise<void> {
  await q
    .update(members)
    .set(values)
    .where(and(eq(members.orgId, orgId), eq(members.id, memberId)));
}

const atVersion = (ifVersion: IfVersion) => (ifVersion ? inArray(members.version, [...ifVersion]) : undefined);

/** Updates a member if it is at one of the versions given; false when it is not (or is gone). */
export async function updateMemberAtVersion(
  q: Queryable,
  orgId: string,
  memberId: string,
  ifVersion: IfVersion,
  values: Partial<typeof members.$inferInsert>,
): Promise<boolean> {
  return (
    (
      await q
        .update(members)
        .set({ ...values, version: sql`${members.version} + 1` })
        .where(and(eq(members.orgId, orgId), eq(members.id, memberId), atVersion(ifVersion)))
    ).changes === 1
  );
}

export async function deleteMember(q: Queryable, orgId: string, memberId: string, ifVersion?: IfVersion): Promise<boolean> {
  return (await q.delete(members).where(and(eq(members.orgId, orgId), eq(members.id, memberId), atVersion(ifVersion)))).changes === 1;
}

/**
 * The member already holding this userName or this email: two look-ups on the unique indexes.
 * (As `user_name = ? OR email = ?`, SQLite's planner turns to scanning the org's members once
 * ANALYZE has seen a large org: one full scan per SCIM create. Two plain look-ups also beat a
 * UNION ALL of them.)
 */
export function memberClashQueries(q: Queryable) {
  const by = (match: SQL) =>
    q
      .select({ userName: members.userName, email: members.email })
      .from(members)
      .where(and(eq(members.orgId, sql.placeholder('orgId')), match));
  return {
    byUserName: by(sql`${userNameKey} = lower(${sql.placeholder('value')})`),
    byEmail: by(sql`${members.email} = ${sql.placeholder('value')}`),
  };
}

export async function findMemberClashing(
  q: Queryable,
  orgId: string,
  userName: string,
  email: string,
): Promise<Pick<MemberRow, 'userName' | 'email'> | undefined> {
  const byUserName = prepared(q, 'findMemberClashing:userName', (db) => memberClashQueries(db).byUserName.prepare());
  const byEmail = prepared(q, 'findMemberClashing:email', (db) => memberClashQueries(db).byEmail.prepare());
  return (await byUserName.get({ orgId, value: userName })) ?? (await byEmail.get({ orgId, value: email }));
}

/** Members holding a seat (active, or invited with a reserved seat), per seat type. */
export async function countSeatHolders(q: Queryable, orgId: string): Promise<Record<SeatType, number>> {
  const rows = await q
    .select({ seatType: members.seatType, n: count() })
    .from(members)
    .where(and(eq(members.orgId, orgId), inArray(members.status, [...SEAT_HOLDING_STATUSES])))
    .groupBy(members.seatType);
  const counts: Record<SeatType, number> = { standard: 0, premium: 0 };
  for (const r of rows) counts[r.seatType] = r.n;
  return counts;
}

/** A member by id alone: ids are unique across orgs (the OpenID Provider's subject). */
export async function findMemberById(q: Queryable, memberId: string): Promise<MemberRow | undefined> {
  return q.select().from(members).where(eq(members.id, memberId)).then(firstRow);
}

/** Who hears about an org's alerts and failing webhooks by email: active or invited owners and the primary owner. */
export async function ownerEmails(q: Queryable, orgId: string): Promise<string[]> {
  return (
    await q
      .select({ email: members.email })
      .from(members)
      .where(
        and(eq(members.orgId, orgId), inArray(members.role, ['primary_owner', 'owner']), inArray(members.status, ['active', 'invited'])),
      )
  ).map((r) => r.email);
}

/** The org's primary owner (exactly one per org). */
export async function findPrimaryOwner(q: Queryable, orgId: string): Promise<MemberRow | undefined> {
  return q
    .select()
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.role, 'primary_owner')))
    .then(firstRow);
}
