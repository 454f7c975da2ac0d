import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type DomainContext } from '../context';
import { Forbidden, NotFound } from '../errors';
import { newId } from '../ids';
import { ownValue } from '../ownValue';
import { findMemberByEmail, insertMember, updateMember } from '../orgs/memberRepository';
import { toMember, type Member } from '../orgs/members';
import { findOrg, listOrgDomains, type OrgRow } from '../orgs/orgRepository';
import type { SeatType } from '../seatTypes';
import { endInvitation, findPendingInvitationOfMember } from './invitationRepository';
import { refusingWithoutSeat } from './refusals';
import { reserveSeat } from './seatReservation';
import { recordEvent } from '../events/events';

/** Why a sign-in was refused, for the 401/403 page and the admin's log. */
export class SignInRefused extends Forbidden {
  constructor(
    readonly reason: 'domain-not-verified' | 'not-invited' | 'not-provisioned' | 'deactivated' | 'invitation-expired',
    message: string,
  ) {
    super(message);
  }
}

export type SsoIdentity = { email: string; givenName?: string; familyName?: string; displayName?: string; groups?: string[] };

/** The seat type for a new member: the first of their groups that the org maps, else the org default. */
export function seatTypeForGroups(org: Pick<OrgRow, 'defaultSeatType' | 'groupSeatTypes'>, groups: readonly string[] = []): SeatType {
  for (const group of groups) {
    const mapped = ownValue(org.groupSeatTypes, group);
    if (mapped) return mapped;
  }
  return org.defaultSeatType;
}

/**
 * Someone signed in through the org's SSO. Existing members get in whatever the seat count; an
 * invited person's sign-in accepts the invitation; an unknown person is created on the spot only
 * in `jit` mode and only with a free seat.
 */
export async function admitSsoUser(
  ctx: DomainContext,
  orgId: string,
  identity: SsoIdentity,
): Promise<{ member: Member; created: boolean }> {
  const email = identity.email.trim().toLowerCase();
  const actor = `sso:${email}`;
  try {
    return await refusingWithoutSeat(ctx, { orgId, email, path: 'jit', actor }, () => admitInTransaction(ctx, orgId, email, identity));
  } catch (err) {
    // The transaction rolled back; the refusal is still worth an audit entry of its own.
    if (err instanceof SignInRefused) {
      await inTransaction(orgScoped(ctx, orgId), (tx) =>
        recordAudit(tx, ctx.clock.now(), {
          orgId,
          actor,
          action: 'provisioning.sign-in',
          target: email,
          outcome: 'refused',
          details: { reason: err.reason },
        }),
      );
    }
    throw err;
  }
}

async function admitInTransaction(
  ctx: DomainContext,
  orgId: string,
  email: string,
  identity: SsoIdentity,
): Promise<{ member: Member; created: boolean }> {
  const actor = `sso:${email}`;
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const org = await findOrg(tx, orgId);
    if (!org) throw new NotFound('organization', orgId);
    const domain = email.split('@')[1] ?? '';
    if (!(await listOrgDomains(tx, orgId)).includes(domain)) {
      throw new SignInRefused('domain-not-verified', `The email domain ${domain} is not a verified domain of ${org.name}`);
    }
    const now = ctx.clock.now();
    const at = now.toISOString();
    const existing = await findMemberByEmail(tx, orgId, email);
    if (existing?.status === 'active') {
      await recordAudit(tx, now, {
        orgId,
        actor,
        action: 'provisioning.sign-in',
        target: email,
        outcome: 'success',
        details: { memberId: existing.id },
      });
      return { member: toMember(existing), created: false };
    }
    if (existing?.status === 'invited') {
      const invitation = await findPendingInvitationOfMember(tx, orgId, existing.id);
      if (invitation) await endInvitation(tx, invitation.id, 'accepted', at);
      await updateMember(tx, orgId, existing.id, { status: 'active', updatedAt: at, version: existing.version + 1 });
      await recordAudit(tx, now, {
        orgId,
        actor,
        action: 'invitation.accept',
        target: email,
        outcome: 'success',
        details: { via: 'sso', invitationId: invitation?.id ?? null },
      });
      const accepted = toMember((await findMemberByEmail(tx, orgId, email))!);
      await recordEvent(tx, now, {
        type: 'invitation.accepted',
        orgId,
        actor,
        data: { invitationId: invitation?.id ?? null, via: 'sso', member: accepted },
      });
      return { member: accepted, created: false };
    }
    if (existing?.status === 'deactivated') {
      throw new SignInRefused('deactivated', `The account of ${email} in ${org.name} is deactivated; ask an admin`);
    }
    if (org.provisioningMode === 'scim') {
      throw new SignInRefused(
        'not-provisioned',
        `${org.name} provisions its members from its identity provider (SCIM), and ${email} has not been provisioned`,
      );
    }
    if (org.provisioningMode === 'manual') {
      const reason = existing ? 'invitation-expired' : 'not-invited';
      const message = existing
        ? `The invitation of ${email} to ${org.name} has expired; ask an admin to send a new one`
        : `${org.name} admits invited members only, and ${email} has not been invited`;
      throw new SignInRefused(reason, message);
    }
    const seatType = seatTypeForGroups(org, identity.groups);
    await reserveSeat(ctx, tx, org, seatType);
    const names = {
      givenName: identity.givenName ?? null,
      familyName: identity.familyName ?? null,
      displayName: identity.displayName ?? null,
    };
    const memberId = existing?.id ?? newId('mem');
    if (existing) {
      await updateMember(tx, orgId, memberId, {
        ...names,
        status: 'active',
        role: 'member',
        seatType,
        source: 'jit',
        updatedAt: at,
        version: existing.version + 1,
      });
    } else {
      await insertMember(tx, {
        id: memberId,
        orgId,
        email,
        role: 'member',
        status: 'active',
        seatType,
        source: 'jit',
        ...names,
        createdAt: at,
        updatedAt: at,
      });
    }
    await recordAudit(tx, now, {
      orgId,
      actor,
      action: 'provisioning.jit',
      target: email,
      outcome: 'success',
      details: { memberId, seatType },
    });
    const member = toMember((await findMemberByEmail(tx, orgId, email))!);
    await recordEvent(tx, now, { type: existing ? 'member.reactivated' : 'member.created', orgId, actor, data: { member, path: 'jit' } });
    return { member, created: true };
  });
}
