import { and, eq } from 'drizzle-orm';
import { members } from '../../../db/schema';
import type { Queryable } from '../context';

export type MemberRow = typeof members.$inferSelect;
export type MemberStatus = MemberRow['status'];

/** Members in these states hold a seat (an invitation reserves one). */
export const SEAT_HOLDING_STATUSES: readonly MemberStatus[] = ['invited', 'active'];

export function holdsSeat(status: MemberStatus): boolean {
  return SEAT_HOLDING_STATUSES.includes(status);
}

export function findMember(q: Queryable, orgId: string, memberId: string): MemberRow | undefined {
  return q
    .select()
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.id, memberId)))
    .get();
}

export function findMemberByEmail(q: Queryable, orgId: string, email: string): MemberRow | undefined {
  return q
    .select()
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.email, email)))
    .get();
}

export function insertMember(q: Queryable, row: typeof members.$inferInsert): void {
  q.insert(members)
    .values({ ...row, userName: row.userName ?? row.email })
    .run();
}

export function findMemberByUserName(q: Queryable, orgId: string, userName: string): MemberRow | undefined {
  return q
    .select()
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.userName, userName)))
    .get();
}

export function updateMember(q: Queryable, orgId: string, memberId: string, values: Partial<typeof members.$inferInsert>): void {
  q.update(members)
    .set(values)
    .where(and(eq(members.orgId, orgId), eq(members.id, memberId)))
    .run();
}

export function deleteMember(q: Queryable, orgId: string, memberId: string): void {
  q.delete(members)
    .where(and(eq(members.orgId, orgId), eq(members.id, memberId)))
    .run();
}
