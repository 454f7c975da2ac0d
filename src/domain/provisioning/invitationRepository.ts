import { and, eq } from 'drizzle-orm';
import { invitations } from '../../../db/schema';
import type { Queryable } from '../context';

export type InvitationRow = typeof invitations.$inferSelect;

export function insertInvitation(q: Queryable, row: typeof invitations.$inferInsert): void {
  q.insert(invitations).values(row).run();
}

export function findInvitation(q: Queryable, orgId: string, id: string): InvitationRow | undefined {
  return q.select().from(invitations).where(and(eq(invitations.orgId, orgId), eq(invitations.id, id))).get();
}

export function findInvitationByTokenHash(q: Queryable, tokenHash: string): InvitationRow | undefined {
  return q.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).get();
}
