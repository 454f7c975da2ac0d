import { and, asc, eq, lte } from 'drizzle-orm';
import { invitations } from '../../../db/schema';
import type { Queryable } from '../context';

export type InvitationRow = typeof invitations.$inferSelect;
export type InvitationStatus = InvitationRow['status'];

export function insertInvitation(q: Queryable, row: typeof invitations.$inferInsert): void {
  q.insert(invitations).values(row).run();
}

export function findInvitation(q: Queryable, orgId: string, id: string): InvitationRow | undefined {
  return q
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), eq(invitations.id, id)))
    .get();
}

export function findInvitationByTokenHash(q: Queryable, tokenHash: string): InvitationRow | undefined {
  return q.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).get();
}

export function findPendingInvitationOfMember(q: Queryable, orgId: string, memberId: string): InvitationRow | undefined {
  return q
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), eq(invitations.memberId, memberId), eq(invitations.status, 'pending')))
    .get();
}

export function endInvitation(q: Queryable, id: string, status: Exclude<InvitationStatus, 'pending'>, at: string): void {
  q.update(invitations)
    .set({ status, endedAt: at })
    .where(and(eq(invitations.id, id), eq(invitations.status, 'pending')))
    .run();
}

/** Pending invitations whose window has closed; for one org or, for the timer's sweep, all orgs. */
export function findDueInvitations(q: Queryable, nowIso: string, orgId?: string): InvitationRow[] {
  const due = and(eq(invitations.status, 'pending'), lte(invitations.expiresAt, nowIso));
  return q
    .select()
    .from(invitations)
    .where(orgId ? and(due, eq(invitations.orgId, orgId)) : due)
    .all();
}

export function listInvitationRows(q: Queryable, orgId: string, status?: InvitationStatus): InvitationRow[] {
  const where = status ? and(eq(invitations.orgId, orgId), eq(invitations.status, status)) : eq(invitations.orgId, orgId);
  return q.select().from(invitations).where(where).orderBy(asc(invitations.createdAt), asc(invitations.id)).all();
}
