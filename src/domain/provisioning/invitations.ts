import { recordAudit } from '../audit/auditLog';
import { committed, inTransaction, orgScoped, type Actor, type DomainContext, type Tx } from '../context';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors';
import { newId, newSecret, sha256Hex } from '../ids';
import { releaseSeat } from '../ledger/ledger';
import { deleteMember, findMember, findMemberByEmail, insertMember, updateMember } from '../orgs/memberRepository';
import { toMember, type Member } from '../orgs/members';
import { findOrg, listOrgDomains } from '../orgs/orgRepository';
import type { Role, SeatType } from '../seatTypes';
import { composeInvitationMail, invitationLink } from './invitationMail';
import * as repo from './invitationRepository';
import { refusingWithoutSeat } from './refusals';
import { expireDueInvitations, reserveSeat } from './seatReservation';
import { canGrantRole, requireCanManage, type By } from '../orgs/roles';
import { recordEvent } from '../events/events';

export const INVITATION_LIFETIME_DAYS = 21;

/** An invitation as just issued: the token is only ever in memory and in the mail that carries it. */
export type IssuedInvitation = {
  id: string;
  memberId: string;
  email: string;
  role: Role;
  seatType: SeatType;
  token: string;
  expiresAt: string;
};

export type Invitation = {
  id: string;
  memberId: string | null;
  email: string;
  role: Role;
  seatType: SeatType;
  status: repo.InvitationStatus;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  endedAt: string | null;
};

/** How the mail went: `sent` (SMTP accepted it or it is in the outbox) or `failed` (logged and audited; resend to retry). */
export type Delivery = 'sent' | 'failed';

export function toInvitation(row: repo.InvitationRow): Invitation {
  const { tokenHash: _hash, orgId: _org, ...rest } = row;
  return rest;
}

/**
 * Reserves a seat and issues a single-use invitation for `email`, creating the member in the
 * `invited` state (or bringing back one whose earlier invitation expired). Runs inside the caller's
 * transaction: a refused seat leaves nothing behind.
 */
/** A person's name parts, as SCIM's name and OpenID Connect's given_name/family_name carry them. */
export type PersonName = { givenName: string; familyName: string };

export async function issueInvitation(
  ctx: DomainContext,
  tx: Tx,
  input: { orgId: string; email: string; role: Role; seatType: SeatType; actor: Actor; name?: PersonName },
): Promise<IssuedInvitation> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  await reserveSeat(ctx, tx, input.orgId, input.seatType);
  const existing = await findMemberByEmail(tx, input.orgId, input.email);
  const memberId = existing?.id ?? newId('mem');
  if (existing) {
    await updateMember(tx, input.orgId, memberId, {
      status: 'invited',
      role: input.role,
      seatType: input.seatType,
      ...input.name,
      updatedAt: at,
      version: existing.version + 1,
    });
  } else {
    await insertMember(tx, {
      id: memberId,
      orgId: input.orgId,
      email: input.email,
      role: input.role,
      status: 'invited',
      seatType: input.seatType,
      source: 'manual',
      ...input.name,
      createdAt: at,
      updatedAt: at,
    });
  }
  const token = newSecret();
  const id = newId('invt');
  const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_DAYS * 86_400_000).toISOString();
  await repo.insertInvitation(tx, {
    id,
    orgId: input.orgId,
    memberId,
    email: input.email,
    role: input.role,
    seatType: input.seatType,
    tokenHash: sha256Hex(token),
    status: 'pending',
    invitedBy: input.actor,
    createdAt: at,
    expiresAt,
  });
  await recordAudit(tx, now, {
    orgId: input.orgId,
    actor: input.actor,
    action: 'invitation.create',
    target: input.email,
    outcome: 'success',
    details: { invitationId: id, memberId, role: input.role, seatType: input.seatType, expiresAt },
  });
  const member = toMember((await findMember(tx, input.orgId, memberId))!);
  if (!existing)
    await recordEvent(tx, now, { type: 'member.created', orgId: input.orgId, actor: input.actor, data: { member, path: 'invite' } });
  await recordEvent(tx, now, {
    type: 'invitation.created',
    orgId: input.orgId,
    actor: input.actor,
    data: { invitationId: id, email: input.email, role: input.role, seatType: input.seatType, expiresAt, member },
  });
  return { id, memberId, email: input.email, role: input.role, seatType: input.seatType, token, expiresAt };
}

/** Sends the invitation mail after the transaction committed; a failed send is logged in the audit, never rolled back. */
export async function deliverInvitation(ctx: DomainContext, orgId: string, issued: IssuedInvitation, actor: Actor): Promise<Delivery> {
  const org = await findOrg(ctx.db, orgId);
  const mail = composeInvitationMail({
    to: issued.email,
    orgName: org?.name ?? orgId,
    role: issued.role,
    link: invitationLink(ctx.publicUrl, issued.token),
    expiresAt: issued.expiresAt,
  });
  await committed(ctx); // never mail a link to an invitation that was not committed
  try {
    await ctx.mailer.send(mail);
    return 'sent';
  } catch (err) {
    await inTransaction(orgScoped(ctx, orgId), (tx) =>
      recordAudit(tx, ctx.clock.now(), {
        orgId,
        actor,
        action: 'invitation.mail',
        target: issued.email,
        outcome: 'failure',
        details: { invitationId: issued.id, error: err instanceof Error ? err.message : String(err) },
      }),
    );
    return 'failed';
  }
}

async function requireVerifiedDomain(tx: Tx, orgId: string, email: string): Promise<void> {
  const domain = email.split('@')[1] ?? '';
  const verified = await listOrgDomains(tx, orgId);
  if (!verified.includes(domain)) {
    throw Invalid.field(
      'email',
      `the domain ${domain || '(none)'} is not a verified domain of this organization (verified: ${verified.join(', ')})`,
    );
  }
}

/** Manual provisioning: an admin (or higher) invites an email of a verified domain with a role and seat type. */
export async function inviteMember(
  ctx: DomainContext,
  orgId: string,
  input: { email: string; role: Role; seatType: SeatType },
  by: By,
): Promise<{ member: Member; invitation: Invitation; delivery: Delivery }> {
  const email = input.email.trim().toLowerCase();
  const issued = await refusingWithoutSeat(ctx, { orgId, email, path: 'invite', actor: by.actor }, () =>
    inTransaction(orgScoped(ctx, orgId), async (tx) => {
      const org = await findOrg(tx, orgId);
      if (!org) throw new NotFound('organization', orgId);
      if (org.provisioningMode === 'scim') {
        throw new Conflict(
          'This organization is provisioned by SCIM: members come from its identity provider. Assign the application to the person there.',
          'scim-managed',
        );
      }
      await requireVerifiedDomain(tx, orgId, email);
      if (input.role === 'primary_owner') throw Invalid.field('role', 'there is one primary owner; transfer the role instead');
      if (!canGrantRole(by.role, input.role)) throw new Forbidden(`Only owners can make ${input.role}s; the caller is ${by.role}`);
      const existing = await findMemberByEmail(tx, orgId, email);
      if (existing?.status === 'active') throw new Conflict(`${email} is already a member`, 'already-member');
      if (existing?.status === 'invited')
        throw new Conflict(`${email} already has a pending invitation; resend it instead`, 'already-invited');
      // Re-inviting a former owner under another role would change an owner: that is for owners.
      if (existing) requireCanManage(by, existing, 're-invite');
      return issueInvitation(ctx, tx, { orgId, email, role: input.role, seatType: input.seatType, actor: by.actor });
    }),
  );
  const delivery = await deliverInvitation(ctx, orgId, issued, by.actor);
  return { ...(await readIssued(ctx, orgId, issued.id)), delivery };
}

async function readIssued(ctx: DomainContext, orgId: string, invitationId: string): Promise<{ member: Member; invitation: Invitation }> {
  const row = (await repo.findInvitation(ctx.db, orgId, invitationId))!;
  return { member: toMember((await findMember(ctx.db, orgId, row.memberId!))!), invitation: toInvitation(row) };
}

export type AcceptedInvitation = { orgId: string; orgName: string; member: Member };

/** The person followed the link: the invitation is used up and the member becomes active on the seat it reserved. */
export async function acceptInvitation(ctx: DomainContext, token: string): Promise<AcceptedInvitation> {
  const tokenHash = sha256Hex(token);
  const outcome = await inTransaction(ctx, async (tx) => {
    const invitation = await repo.findInvitationByTokenHash(tx, tokenHash);
    if (!invitation) throw new NotFound('invitation', 'for this link');
    if (invitation.status === 'pending' && invitation.expiresAt <= ctx.clock.now().toISOString()) {
      await expireDueInvitations(ctx, tx, invitation.orgId);
      return { expired: true as const };
    }
    if (invitation.status === 'expired') return { expired: true as const };
    if (invitation.status === 'accepted') throw new Conflict('This invitation was already accepted; sign in instead', 'invitation-used');
    if (invitation.status !== 'pending')
      throw new Conflict('This invitation link is no longer valid; a newer one may have been sent', 'invitation-revoked');
    const member = (await findMember(tx, invitation.orgId, invitation.memberId!))!;
    const now = ctx.clock.now();
    const at = now.toISOString();
    await repo.endInvitation(tx, invitation.id, 'accepted', at);
    await updateMember(tx, member.orgId, member.id, { status: 'active', updatedAt: at, version: member.version + 1 });
    await recordAudit(tx, now, {
      orgId: member.orgId,
      actor: `member:${member.id}`,
      action: 'invitation.accept',
      target: member.email,
      outcome: 'success',
      details: { invitationId: invitation.id },
    });
    await recordEvent(tx, now, {
      type: 'invitation.accepted',
      orgId: member.orgId,
      actor: `member:${member.id}`,
      data: { invitationId: invitation.id, via: 'link', member: toMember((await findMember(tx, member.orgId, member.id))!) },
    });
    const org = (await findOrg(tx, member.orgId))!;
    return { accepted: { orgId: org.id, orgName: org.name, member: toMember((await findMember(tx, member.orgId, member.id))!) } };
  });
  // The expiry is committed before refusing, so the seat is free again whatever the caller does next.
  if ('expired' in outcome)
    throw new Conflict('This invitation has expired; ask an admin of the organization to send a new one', 'invitation-expired');
  return outcome.accepted;
}

/**
 * A new link and a new 21-day window. A pending invitation keeps its seat; an expired one needs a
 * free seat again (and is refused, and recorded, when there is none).
 */
export async function resendInvitation(
  ctx: DomainContext,
  orgId: string,
  invitationId: string,
  by: By,
): Promise<{ member: Member; invitation: Invitation; delivery: Delivery }> {
  const found = await repo.findInvitation(ctx.db, orgId, invitationId);
  if (!found) throw new NotFound('invitation', invitationId);
  const issued = await refusingWithoutSeat(ctx, { orgId, email: found.email, path: 'invite', actor: by.actor }, () =>
    inTransaction(orgScoped(ctx, orgId), async (tx) => {
      await expireDueInvitations(ctx, tx, orgId);
      const invitation = (await repo.findInvitation(tx, orgId, invitationId))!;
      const member = invitation.memberId ? await findMember(tx, orgId, invitation.memberId) : undefined;
      if (!member) throw new Conflict('The invited member was removed; invite the person again', 'member-removed');
      if (!canGrantRole(by.role, invitation.role))
        throw new Forbidden(`Only owners can invite ${invitation.role}s; the caller is ${by.role}`);
      const at = ctx.clock.now().toISOString();
      if (invitation.status === 'pending') {
        await repo.endInvitation(tx, invitation.id, 'superseded', at);
        await releaseSeat(tx, orgId, member.seatType); // handed straight back to the new invitation below
      } else if (invitation.status !== 'expired' || member.status !== 'invitation_expired') {
        throw new Conflict(
          `Only pending or expired invitations can be re-sent; this one is ${invitation.status}`,
          'invitation-not-resendable',
        );
      }
      return issueInvitation(ctx, tx, { orgId, email: member.email, role: member.role, seatType: member.seatType, actor: by.actor });
    }),
  );
  const delivery = await deliverInvitation(ctx, orgId, issued, by.actor);
  return { ...(await readIssued(ctx, orgId, issued.id)), delivery };
}

/** Withdraws a pending invitation: the seat is released and the never-active member removed. */
export async function revokeInvitation(ctx: DomainContext, orgId: string, invitationId: string, by: By): Promise<Invitation> {
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const invitation = await repo.findInvitation(tx, orgId, invitationId);
    if (!invitation) throw new NotFound('invitation', invitationId);
    if (invitation.status !== 'pending')
      throw new Conflict(`Only pending invitations can be revoked; this one is ${invitation.status}`, 'invitation-not-pending');
    if (invitation.role === 'primary_owner')
      throw new Conflict("The primary owner's invitation cannot be revoked; resend it instead", 'primary-owner');
    if (!canGrantRole(by.role, invitation.role)) throw new Forbidden(`Only owners can revoke an ${invitation.role}'s invitation`);
    const now = ctx.clock.now();
    const at = now.toISOString();
    await repo.endInvitation(tx, invitation.id, 'revoked', at);
    const member = invitation.memberId ? await findMember(tx, orgId, invitation.memberId) : undefined;
    await recordEvent(tx, now, { type: 'invitation.revoked', orgId, actor: by.actor, data: { invitationId, email: invitation.email } });
    if (member?.status === 'invited') {
      await releaseSeat(tx, orgId, member.seatType);
      await deleteMember(tx, orgId, member.id);
      await recordEvent(tx, now, { type: 'member.deleted', orgId, actor: by.actor, data: { member: toMember(member) } });
    }
    await recordAudit(tx, now, {
      orgId,
      actor: by.actor,
      action: 'invitation.revoke',
      target: invitation.email,
      outcome: 'success',
      details: { invitationId },
    });
    return toInvitation((await repo.findInvitation(tx, orgId, invitationId))!);
  });
}

export async function listInvitations(ctx: DomainContext, orgId: string, status?: repo.InvitationStatus): Promise<Invitation[]> {
  await inTransaction(orgScoped(ctx, orgId), (tx) => expireDueInvitations(ctx, tx, orgId));
  return (await repo.listInvitationRows(ctx.db, orgId, status)).map(toInvitation);
}

/** The timer's sweep over all orgs. */
export async function sweepExpiredInvitations(ctx: DomainContext): Promise<number> {
  return inTransaction(ctx, (tx) => expireDueInvitations(ctx, tx));
}
