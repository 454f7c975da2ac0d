import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type Actor, type DomainContext } from '../context';
import { Conflict, Invalid, NotFound, StaleVersion, type IfVersion } from '../errors';
import { newId } from '../ids';
import {
  findMember,
  findMemberByEmail,
  findMemberByUserName,
  findMemberClashing,
  insertMember,
  updateMemberAtVersion,
  type MemberRow,
} from '../orgs/memberRepository';
import { changeSeatTypeIn, setMemberActiveIn } from './memberChanges';
import { toMember, type Member } from '../orgs/members';
import { findOrg, listOrgDomains } from '../orgs/orgRepository';
import type { Role, SeatType } from '../seatTypes';
import type { By } from '../orgs/roles';
import { emailAddress } from '../validation';
import { seatTypeForGroups } from './admission';
import { refusingWithoutSeat } from './refusals';
import { reserveSeat } from './seatReservation';
import { recordEvent } from '../events/events';

export type ScimUserInput = {
  /** The IdP's userName; the email when not given. */
  userName?: string;
  email: string;
  active: boolean;
  seatType?: SeatType;
  groups?: string[];
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  externalId?: string | null;
  scimAttributes?: Record<string, unknown>;
};

/** The address a member signs in with, checked as the JSON API checks one. */
function signInEmail(value: string): string {
  const parsed = emailAddress.safeParse(value);
  if (!parsed.success) throw Invalid.field('emails', `${JSON.stringify(value)} is not an email address`);
  return parsed.data;
}

/**
 * The IdP created a user. Created active, they become a member holding a seat (type from the
 * request, else their mapped groups, else the org default) — or are refused when none is free.
 * Created inactive, they are stored without a seat.
 */
export async function provisionScimUser(ctx: DomainContext, orgId: string, input: ScimUserInput, actor: Actor): Promise<Member> {
  const email = signInEmail(input.email);
  return refusingWithoutSeat(ctx, { orgId, email, path: 'scim', actor }, () =>
    inTransaction(orgScoped(ctx, orgId), async (tx) => {
      const org = await findOrg(tx, orgId);
      if (!org) throw new NotFound('organization', orgId);
      const domain = email.split('@')[1] ?? '';
      if (!(await listOrgDomains(tx, orgId)).includes(domain)) {
        throw Invalid.field('emails', `the domain ${domain} is not a verified domain of this organization`);
      }
      const userName = input.userName ?? email;
      const clash = await findMemberClashing(tx, orgId, userName, email);
      if (clash) {
        throw new Conflict(
          clash.email === email ? `A user with the email ${email} already exists` : `A user with userName ${clash.userName} already exists`,
          'uniqueness',
        );
      }
      const seatType = input.seatType ?? seatTypeForGroups(org, input.groups);
      if (input.active) await reserveSeat(ctx, tx, org, seatType);
      const now = ctx.clock.now();
      const at = now.toISOString();
      const id = newId('mem');
      const row: MemberRow = {
        id,
        orgId,
        email,
        userName,
        role: 'member',
        status: input.active ? 'active' : 'deactivated',
        seatType,
        source: 'scim',
        givenName: input.givenName ?? null,
        familyName: input.familyName ?? null,
        displayName: input.displayName ?? null,
        externalId: input.externalId ?? null,
        scimAttributes: input.scimAttributes ?? null,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      await insertMember(tx, row);
      await recordAudit(tx, now, {
        orgId,
        actor,
        action: 'provisioning.scim',
        target: email,
        outcome: 'success',
        details: { memberId: id, active: input.active, seatType },
      });
      await recordEvent(tx, now, { type: 'member.created', orgId, actor, data: { member: toMember(row), path: 'scim' } });
      return toMember(row);
    }),
  );
}

/**
 * A SCIM token acts with the role of whoever created it: the identity provider is the source of
 * truth for the users it provisions, but never reaches above the person who connected it.
 */
export function scimBy(actor: Actor, creatorRole: Role): By {
  return { actor, role: creatorRole };
}

/** What SCIM may never do to an owner, whoever created the token. */
function guardOwnerChange(member: MemberRow, next: { email: string; active: boolean; unchanged: boolean }): void {
  if (member.role === 'primary_owner' && !next.unchanged) {
    throw new Conflict(
      `${member.email} is the organization's primary owner, whom SCIM never changes, deactivates or deletes; the operator can transfer primary ownership`,
      'primary-owner',
    );
  }
  if ((member.role === 'owner' || member.role === 'primary_owner') && next.email !== member.email) {
    throw new Conflict(`${member.email} is an owner of the organization; SCIM never changes an owner's email`, 'owner-email');
  }
}

export type ScimUserUpdate = Omit<ScimUserInput, 'groups'> & { groups?: string[] };

/**
 * The IdP replaced or patched a user: attributes, then activation (re-activation needs a free
 * seat), then the seat type (explicit, else from mapped groups when they are given) — in one
 * transaction, with a refusal recorded when a seat is missing. With `ifVersion`, only if the user
 * is still at one of those versions (checked by the statement that writes).
 */
export async function updateScimUser(
  ctx: DomainContext,
  orgId: string,
  memberId: string,
  input: ScimUserUpdate,
  by: By,
  ifVersion?: IfVersion,
): Promise<Member> {
  const { actor } = by;
  const email = signInEmail(input.email);
  return refusingWithoutSeat(ctx, { orgId, email, path: 'scim', actor }, () =>
    inTransaction(orgScoped(ctx, orgId), async (tx) => {
      const org = await findOrg(tx, orgId);
      const member = await findMember(tx, orgId, memberId);
      if (!org || !member) throw new NotFound('user', memberId);
      guardOwnerChange(member, { email, active: input.active, unchanged: isUnchanged(member, email, input) });
      const profileChanged = changesProfile(member, email, input);
      if (email !== member.email) {
        const domain = email.split('@')[1] ?? '';
        if (!(await listOrgDomains(tx, orgId)).includes(domain)) {
          throw Invalid.field('emails', `the domain ${domain} is not a verified domain of this organization`);
        }
        if (await findMemberByEmail(tx, orgId, email)) throw new Conflict(`A user with the email ${email} already exists`, 'uniqueness');
      }
      const userName = input.userName ?? email;
      const holder = await findMemberByUserName(tx, orgId, userName);
      if (holder && holder.id !== memberId) throw new Conflict(`A user with userName ${holder.userName} already exists`, 'uniqueness');
      const now = ctx.clock.now();
      const written = await updateMemberAtVersion(tx, orgId, memberId, ifVersion, {
        email,
        userName,
        givenName: input.givenName ?? null,
        familyName: input.familyName ?? null,
        displayName: input.displayName ?? null,
        externalId: input.externalId ?? null,
        scimAttributes: input.scimAttributes ?? null,
        updatedAt: now.toISOString(),
      });
      if (!written) throw new StaleVersion('user', ifVersion ?? [], member.version);
      const wantActive = input.active;
      if (wantActive !== (member.status === 'active' || member.status === 'invited'))
        await setMemberActiveIn(ctx, tx, orgId, memberId, wantActive, by);
      const seatType = input.seatType ?? (input.groups ? seatTypeForGroups(org, input.groups) : undefined);
      if (seatType && seatType !== member.seatType) await changeSeatTypeIn(ctx, tx, orgId, memberId, seatType, by);
      await recordAudit(tx, now, {
        orgId,
        actor,
        action: 'provisioning.scim-update',
        target: email,
        outcome: 'success',
        details: { memberId, active: wantActive, seatType: seatType ?? member.seatType },
      });
      const updated = toMember((await findMember(tx, orgId, memberId))!);
      if (profileChanged) await recordEvent(tx, now, { type: 'member.updated', orgId, actor, data: { member: updated } });
      return updated;
    }),
  );
}

/** Whether an update changes the member's profile (identity and SCIM attributes, not activation or seat). */
function changesProfile(member: MemberRow, email: string, input: ScimUserUpdate): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const userName = input.userName ?? email;
  return !(
    email === member.email &&
    userName === member.userName &&
    same(input.givenName, member.givenName) &&
    same(input.familyName, member.familyName) &&
    same(input.displayName, member.displayName) &&
    same(input.externalId, member.externalId) &&
    same(profileOf(input.scimAttributes), profileOf(member.scimAttributes))
  );
}

/**
 * The stored SCIM attributes less what is not profile (activation, the resource id) or is kept in
 * columns of its own and compared there (the sign-in email, the seat type), however a client spells them.
 */
function profileOf(attributes: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const { active: _active, id: _id, emails: _emails, [SEATD_USER_SCHEMA]: _seat, ...profile } = attributes ?? {};
  return profile;
}

const SEATD_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:seatd:2.0:User';

/** Whether an update would leave the member exactly as stored (an IdP re-sending what it has). */
function isUnchanged(member: MemberRow, email: string, input: ScimUserUpdate): boolean {
  return (
    !changesProfile(member, email, input) &&
    input.active === (member.status === 'active' || member.status === 'invited') &&
    (input.seatType === undefined || input.seatType === member.seatType)
  );
}
