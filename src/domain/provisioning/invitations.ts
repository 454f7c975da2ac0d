import { recordAudit } from '../audit/auditLog';
import type { Actor, DomainContext, Tx } from '../context';
import { newId, newSecret, sha256Hex } from '../ids';
import { assignSeat } from '../ledger/ledger';
import { findMemberByEmail, insertMember, updateMember } from '../orgs/memberRepository';
import type { Role, SeatType } from '../seatTypes';
import { insertInvitation } from './invitationRepository';

export const INVITATION_LIFETIME_DAYS = 21;

/** An invitation as just issued: the token is only ever in memory and in the mail that carries it. */
export type IssuedInvitation = { id: string; memberId: string; email: string; token: string; expiresAt: string };

/**
 * Reserves a seat and issues a single-use invitation for `email`, creating the member in the
 * `invited` state. Runs inside the caller's transaction: a refused seat leaves nothing behind.
 */
export function createInvitation(
  ctx: DomainContext,
  tx: Tx,
  input: { orgId: string; email: string; role: Role; seatType: SeatType; actor: Actor },
): IssuedInvitation {
  const now = ctx.clock.now();
  const at = now.toISOString();
  assignSeat(tx, input.orgId, input.seatType);
  const existing = findMemberByEmail(tx, input.orgId, input.email);
  const memberId = existing?.id ?? newId('mem');
  if (existing) {
    updateMember(tx, input.orgId, memberId, { status: 'invited', role: input.role, seatType: input.seatType, updatedAt: at, version: existing.version + 1 });
  } else {
    insertMember(tx, {
      id: memberId,
      orgId: input.orgId,
      email: input.email,
      role: input.role,
      status: 'invited',
      seatType: input.seatType,
      source: 'manual',
      createdAt: at,
      updatedAt: at,
    });
  }
  const token = newSecret();
  const id = newId('invt');
  const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_DAYS * 86_400_000).toISOString();
  insertInvitation(tx, {
    id,
    orgId: input.orgId,
    memberId,
    tokenHash: sha256Hex(token),
    status: 'pending',
    invitedBy: input.actor,
    createdAt: at,
    expiresAt,
  });
  recordAudit(tx, now, {
    orgId: input.orgId,
    actor: input.actor,
    action: 'invitation.create',
    target: input.email,
    outcome: 'success',
    details: { invitationId: id, memberId, role: input.role, seatType: input.seatType, expiresAt },
  });
  return { id, memberId, email: input.email, token, expiresAt };
}
