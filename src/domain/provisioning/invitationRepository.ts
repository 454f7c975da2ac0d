import { and, asc, eq, lte } from 'drizzle-orm';
import { invitations } from '../../../db/schema';
import type { Queryable } from '../context';
import { firstRow } from '../rows';

export type InvitationRow = typeof invitations.$inferSelect;
export type InvitationStatus = InvitationRow['status'];

export async function insertInvitation(q: Queryable, row: typeof invitations.$inferInsert): Promise<void> {
  await q.insert(invitations).values(row);
}

export async function findInvitation(q: Queryable, orgId: string, id: string): Promise<InvitationRow | undefined> {
  return q
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), eq(invitations.id, id)))
    .then(firstRow);
}

export async function findInvitationByTokenHash(q: Queryable, tokenHash: string): Promise<InvitationRow | undefined> {
  return q.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).then(firstRow);
}

export async function findPendingInvitationOfMember(q: Queryable, orgId: string, memberId: string): Promise<InvitationRow | undefined> {
  return q
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), eq(invitations.memberId, memberId), eq(invitations.status, 'pending')))
    .then(firstRow);
}

export async function endInvitation(q: Queryable, id: string, status: Exclude<InvitationStatus, 'pending'>, at: string): Promise<void> {
  await q
    .update(invitations)
    .set({ status, endedAt: at })
    .where(and(eq(invitations.id, id), eq(invitations.status, 'pending')));
}

/** Pending invitations whose window has closed; for one org or, for the timer's sweep, all orgs. */
export async function findDueInvitations(q: Queryable, nowIso: string, orgId?: string): Promise<InvitationRow[]> {
  const due = and(eq(invitations.status, 'pending'), lte(invitations.expiresAt, nowIso));
  return q
    .select()
    .from(invitations)
    .where(orgId ? and(due, eq(invitations.orgId, orgId)) : due);
}

export async function listInvitationRows(q: Queryable, orgId: string, status?: InvitationStatus): Promise<InvitationRow[]> {
  const where = status ? and(eq(invitations.orgId, orgId), eq(invitations.status, status)) : eq(invitations.orgId, orgId);
  return q.select().from(invitations).where(where).orderBy(asc(invitations.createdAt), asc(invitations.id));
}
