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
export async function expireDueInvitations(ctx: DomainContext, tx: Tx, orgId?: string): Promise<number> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const due = await findDueInvitations(tx, at, orgId);
  for (const invitation of due) {
    await endInvitation(tx, invitation.id, 'expired', at);
    const member = invitation.memberId ? await findMember(tx, invitation.orgId, invitation.memberId) : undefined;
    if (member?.status === 'invited') {
      await updateMember(tx, member.orgId, member.id, { status: 'invitation_expired', updatedAt: at, version: member.version + 1 });
      await releaseSeat(tx, member.orgId, member.seatType);
    }
    await recordAudit(tx, now, {
      orgId: invitation.orgId,
      actor: 'system',
      action: 'invitation.expire',
      target: invitation.email,
      outcome: 'success',
      details: { invitationId: invitation.id, seatReleased: member?.status === 'invited' ? member.seatType : null },
    });
    await recordEvent(tx, now, {
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
export async function reserveSeat(ctx: DomainContext, tx: Tx, org: OrgRow | string, seatType: SeatType): Promise<void> {
  const orgId = typeof org === 'string' ? org : org.id;
  const pool =
    (await takeSeat(tx, orgId, seatType)) ?? ((await expireDueInvitations(ctx, tx, orgId)) > 0 ? takeSeat(tx, orgId, seatType) : null);
  if (!pool) throw new NoSeatAvailable(orgId, seatType);
}
