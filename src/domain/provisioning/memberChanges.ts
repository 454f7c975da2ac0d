import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type DomainContext, type Tx } from '../context';
import { Conflict, Forbidden, Invalid, NotFound, StaleVersion, type IfVersion } from '../errors';
import { releaseSeat } from '../ledger/ledger';
import { deleteMember, findMember, findPrimaryOwner, holdsSeat, updateMember, type MemberRow } from '../orgs/memberRepository';
import { toMember, type Member } from '../orgs/members';
import type { Role, SeatType } from '../seatTypes';
import { endInvitation, findPendingInvitationOfMember } from './invitationRepository';
import { refusingWithoutSeat, type AdmissionPath } from './refusals';
import { canGrantRole, requireCanManage, roleAtLeast, type By } from '../orgs/roles';
import { reserveSeat } from './seatReservation';
import { recordEvent } from '../events/events';

async function memberIn(tx: Tx, orgId: string, memberId: string): Promise<MemberRow> {
  const member = await findMember(tx, orgId, memberId);
  if (!member) throw new NotFound('member', memberId);
  return member;
}

function requireAdmin(by: By): void {
  if (!roleAtLeast(by.role, 'admin')) throw new Forbidden('Managing members needs the admin role or higher');
}

/** Moves a member to another seat type: needs a free seat of the new type; the old seat is freed. */
export async function changeSeatType(ctx: DomainContext, orgId: string, memberId: string, seatType: SeatType, by: By): Promise<Member> {
  return inTransaction(orgScoped(ctx, orgId), (tx) => changeSeatTypeIn(ctx, tx, orgId, memberId, seatType, by));
}

export async function changeSeatTypeIn(
  ctx: DomainContext,
  tx: Tx,
  orgId: string,
  memberId: string,
  seatType: SeatType,
  by: By,
): Promise<Member> {
  requireAdmin(by);
  const member = await memberIn(tx, orgId, memberId);
  if (member.seatType === seatType) return toMember(member);
  requireCanManage(by, member, 'change the seat of');
  const now = ctx.clock.now();
  if (holdsSeat(member.status)) {
    await reserveSeat(ctx, tx, orgId, seatType);
    await releaseSeat(tx, orgId, member.seatType);
  }
  await updateMember(tx, orgId, memberId, { seatType, updatedAt: now.toISOString(), version: member.version + 1 });
  await recordAudit(tx, now, {
    orgId,
    actor: by.actor,
    action: 'member.seat-type',
    target: member.email,
    outcome: 'success',
    details: { from: member.seatType, to: seatType },
  });
  const changed = toMember(await memberIn(tx, orgId, memberId));
  await recordEvent(tx, now, {
    type: 'member.seat_changed',
    orgId,
    actor: by.actor,
    data: { member: changed, from: member.seatType, to: seatType },
  });
  return changed;
}

/**
 * Admins manage members and admins; only owners make or unmake owners. The primary owner is
 * neither demoted nor removed, except by transferring the role: setting another member's role to
 * `primary_owner` (an owner's act) makes the previous primary owner an owner.
 */
export async function changeRole(ctx: DomainContext, orgId: string, memberId: string, role: Role, by: By): Promise<Member> {
  return inTransaction(orgScoped(ctx, orgId), (tx) => changeRoleIn(ctx, tx, orgId, memberId, role, by));
}

async function changeRoleIn(ctx: DomainContext, tx: Tx, orgId: string, memberId: string, role: Role, by: By): Promise<Member> {
  requireAdmin(by);
  const member = await memberIn(tx, orgId, memberId);
  if (member.role === role) return toMember(member);
  if (member.role === 'primary_owner') {
    throw new Conflict('The primary owner cannot be demoted; transfer the role to another member first', 'primary-owner');
  }
  if (!canGrantRole(by.role, role) || !canGrantRole(by.role, member.role)) {
    throw new Forbidden(`Only owners can change a role to or from owner; the caller is ${by.role}`);
  }
  const now = ctx.clock.now();
  const at = now.toISOString();
  if (role === 'primary_owner') {
    if (member.status !== 'active') throw Invalid.field('role', 'the primary owner role goes to an active member only');
    const previous = await findPrimaryOwner(tx, orgId);
    if (previous) {
      await updateMember(tx, orgId, previous.id, { role: 'owner', updatedAt: at, version: previous.version + 1 });
      await recordEvent(tx, now, {
        type: 'member.role_changed',
        orgId,
        actor: by.actor,
        data: { member: toMember(await memberIn(tx, orgId, previous.id)), from: 'primary_owner', to: 'owner' },
      });
    }
  }
  await updateMember(tx, orgId, memberId, { role, updatedAt: at, version: member.version + 1 });
  await recordAudit(tx, now, {
    orgId,
    actor: by.actor,
    action: role === 'primary_owner' ? 'member.primary-owner-transfer' : 'member.role',
    target: member.email,
    outcome: 'success',
    details: { from: member.role, to: role },
  });
  const changed = toMember(await memberIn(tx, orgId, memberId));
  await recordEvent(tx, now, {
    type: 'member.role_changed',
    orgId,
    actor: by.actor,
    data: { member: changed, from: member.role, to: role },
  });
  return changed;
}

/** Deactivates (frees the seat, keeps the member) or re-activates (needs a free seat again). */
export async function setMemberActive(
  ctx: DomainContext,
  orgId: string,
  memberId: string,
  active: boolean,
  by: By & { path?: AdmissionPath },
): Promise<Member> {
  const email = (await findMember(ctx.db, orgId, memberId))?.email ?? memberId;
  return refusingWithoutSeat(ctx, { orgId, email, path: by.path ?? 'scim', actor: by.actor }, () =>
    inTransaction(orgScoped(ctx, orgId), (tx) => setMemberActiveIn(ctx, tx, orgId, memberId, active, by)),
  );
}

export async function setMemberActiveIn(
  ctx: DomainContext,
  tx: Tx,
  orgId: string,
  memberId: string,
  active: boolean,
  by: By,
): Promise<Member> {
  const member = await memberIn(tx, orgId, memberId);
  const now = ctx.clock.now();
  const at = now.toISOString();
  if (active && member.status === 'active') return toMember(member);
  if (!active && member.status === 'deactivated') return toMember(member);
  if (!active && member.role === 'primary_owner')
    throw new Conflict('The primary owner cannot be deactivated; transfer the role first', 'primary-owner');
  requireCanManage(by, member, active ? 'reactivate' : 'deactivate');
  if (!active) {
    if (holdsSeat(member.status)) await releaseSeat(tx, orgId, member.seatType);
    const invitation = await findPendingInvitationOfMember(tx, orgId, memberId);
    if (invitation) {
      await endInvitation(tx, invitation.id, 'revoked', at);
      await recordEvent(tx, now, {
        type: 'invitation.revoked',
        orgId,
        actor: by.actor,
        data: { invitationId: invitation.id, email: member.email },
      });
    }
    await updateMember(tx, orgId, memberId, { status: 'deactivated', updatedAt: at, version: member.version + 1 });
  } else {
    if (!holdsSeat(member.status)) await reserveSeat(ctx, tx, orgId, member.seatType);
    await updateMember(tx, orgId, memberId, { status: 'active', updatedAt: at, version: member.version + 1 });
  }
  await recordAudit(tx, now, {
    orgId,
    actor: by.actor,
    action: active ? 'member.activate' : 'member.deactivate',
    target: member.email,
    outcome: 'success',
    details: { seatType: member.seatType },
  });
  const changed = toMember(await memberIn(tx, orgId, memberId));
  await recordEvent(tx, now, {
    type: active ? 'member.reactivated' : 'member.deactivated',
    orgId,
    actor: by.actor,
    data: { member: changed },
  });
  return changed;
}

export type MemberPatch = { role?: Role; seatType?: SeatType; active?: boolean };

/**
 * Applies an admin's edit of a member in one transaction: activation first (a re-activated member
 * needs a free seat of their current type), then the seat type, then the role.
 */
export async function updateMemberSettings(
  ctx: DomainContext,
  orgId: string,
  memberId: string,
  patch: MemberPatch,
  by: By,
): Promise<Member> {
  requireAdmin(by);
  const email = (await findMember(ctx.db, orgId, memberId))?.email ?? memberId;
  return refusingWithoutSeat(ctx, { orgId, email, path: 'invite', actor: by.actor }, () =>
    inTransaction(orgScoped(ctx, orgId), async (tx) => {
      let member = toMember(await memberIn(tx, orgId, memberId));
      if (patch.active !== undefined) member = await setMemberActiveIn(ctx, tx, orgId, memberId, patch.active, by);
      if (patch.seatType !== undefined) member = await changeSeatTypeIn(ctx, tx, orgId, memberId, patch.seatType, by);
      if (patch.role !== undefined) member = await changeRoleIn(ctx, tx, orgId, memberId, patch.role, by);
      return member;
    }),
  );
}

/**
 * Removes a member: the seat is freed and any pending invitation revoked. The primary owner stays.
 * With `ifVersion`, only while the member is at one of those versions.
 */
export async function removeMember(ctx: DomainContext, orgId: string, memberId: string, by: By, ifVersion?: IfVersion): Promise<void> {
  requireAdmin(by);
  await inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const member = await memberIn(tx, orgId, memberId);
    if (member.role === 'primary_owner')
      throw new Conflict('The primary owner cannot be removed; transfer the role to another member first', 'primary-owner');
    requireCanManage(by, member, 'remove');
    const now = ctx.clock.now();
    if (holdsSeat(member.status)) await releaseSeat(tx, orgId, member.seatType);
    const invitation = await findPendingInvitationOfMember(tx, orgId, memberId);
    if (invitation) {
      await endInvitation(tx, invitation.id, 'revoked', now.toISOString());
      await recordEvent(tx, now, {
        type: 'invitation.revoked',
        orgId,
        actor: by.actor,
        data: { invitationId: invitation.id, email: member.email },
      });
    }
    if (!(await deleteMember(tx, orgId, memberId, ifVersion))) throw new StaleVersion('user', ifVersion ?? [], member.version);
    await recordEvent(tx, now, { type: 'member.deleted', orgId, actor: by.actor, data: { member: toMember(member) } });
    await recordAudit(tx, now, {
      orgId,
      actor: by.actor,
      action: 'member.remove',
      target: member.email,
      outcome: 'success',
      details: { memberId, role: member.role, seatType: member.seatType, seatReleased: holdsSeat(member.status) },
    });
  });
}
