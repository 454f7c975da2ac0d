import { recordAudit } from '../audit/auditLog';
import type { DomainContext, Tx } from '../context';
import { NoSeatAvailable } from '../errors';
import { releaseSeat } from '../ledger/ledger';
import { takeSeat } from '../ledger/ledgerRepository';
import { findMember, updateMember } from '../orgs/memberRepository';
import type { OrgRow } from '../orgs/orgRepository';
import type { SeatType } from '../seatTypes';
import { endInvitation, findDueInvitations } from './invitationRepository';
import { recordEvent } from '../events/events';

/**
 * Ends every invitation whose 21 days are over and gives its seat back. Runs on a timer, on reads,
 * and whenever a pool looks full, so correctness never waits for the timer.
 */
export function expireDueInvitations(ctx: DomainContext, tx: Tx, orgId?: string): number {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const due = findDueInvitations(tx, at, orgId);
  for (const invitation of due) {
    endInvitation(tx, invitation.id, 'expired', at);
    const member = invitation.memberId ? findMember(tx, invitation.orgId, invitation.memberId) : undefined;
    if (member?.status === 'invited') {
      updateMember(tx, member.orgId, member.id, { status: 'invitation_expired', updatedAt: at, version: member.version + 1 });
      releaseSeat(tx, member.orgId, member.seatType);
    }
    recordAudit(tx, now, {
      orgId: invitation.orgId,
      actor: 'system',
      action: 'invitation.expire',
      target: invitation.email,
      outcome: 'success',
      details: { invitationId: invitation.id, seatReleased: member?.status === 'invited' ? member.seatType : null },
    });
    recordEvent(tx, now, {
      type: 'invitation.expired',
      orgId: invitation.orgId,
      actor: 'system',
      data: { invitationId: invitation.id, email: invitation.email, seatReleased: member?.status === 'invited' ? member.seatType : null },
    });
  }
  return due.length;
}

/**
 * Takes a free seat for a new holder; if the pool is full, expired invitations are swept first. Pass
 * the org row when you have it. Alerts hear of the fuller pool from the event the caller records.
 */
export function reserveSeat(ctx: DomainContext, tx: Tx, org: OrgRow | string, seatType: SeatType): void {
  const orgId = typeof org === 'string' ? org : org.id;
  const pool = takeSeat(tx, orgId, seatType) ?? (expireDueInvitations(ctx, tx, orgId) > 0 ? takeSeat(tx, orgId, seatType) : null);
  if (!pool) throw new NoSeatAvailable(orgId, seatType);
}
