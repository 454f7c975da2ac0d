import { recordAudit } from '../audit/auditLog';
import { inTransaction, type Actor, type DomainContext } from '../context';
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
import type { SeatType } from '../seatTypes';
import { emailAddress } from '../validation';
import { seatTypeForGroups } from './admission';
import { refusingWithoutSeat } from './refusals';
import { reserveSeat } from './seatReservation';

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
export function provisionScimUser(ctx: DomainContext, orgId: string, input: ScimUserInput, actor: Actor): Member {
  const email = signInEmail(input.email);
  return refusingWithoutSeat(ctx, { orgId, email, path: 'scim', actor }, () =>
    inTransaction(ctx, (tx) => {
      const org = findOrg(tx, orgId);
      if (!org) throw new NotFound('organization', orgId);
      const domain = email.split('@')[1] ?? '';
      if (!listOrgDomains(tx, orgId).includes(domain)) {
        throw Invalid.field('emails', `the domain ${domain} is not a verified domain of this organization`);
      }
      const userName = input.userName ?? email;
      const clash = findMemberClashing(tx, orgId, userName, email);
      if (clash) {
        throw new Conflict(
          clash.email === email ? `A user with the email ${email} already exists` : `A user with userName ${clash.userName} already exists`,
          'uniqueness',
        );
      }
      const seatType = input.seatType ?? seatTypeForGroups(org, input.groups);
      if (input.active) reserveSeat(ctx, tx, org, seatType);
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
      insertMember(tx, row);
      recordAudit(tx, now, {
        orgId,
        actor,
        action: 'provisioning.scim',
        target: email,
        outcome: 'success',
        details: { memberId: id, active: input.active, seatType },
      });
      return toMember(row);
    }),
  );
}

/** The identity provider's actor: it is the source of truth for the users it provisions. */
export function scimBy(actor: Actor) {
  return { actor, role: 'owner' as const };
}

export type ScimUserUpdate = Omit<ScimUserInput, 'groups'> & { groups?: string[] };

/**
 * The IdP replaced or patched a user: attributes, then activation (re-activation needs a free
 * seat), then the seat type (explicit, else from mapped groups when they are given) — in one
 * transaction, with a refusal recorded when a seat is missing. With `ifVersion`, only if the user
 * is still at one of those versions (checked by the statement that writes).
 */
export function updateScimUser(
  ctx: DomainContext,
  orgId: string,
  memberId: string,
  input: ScimUserUpdate,
  actor: Actor,
  ifVersion?: IfVersion,
): Member {
  const email = signInEmail(input.email);
  return refusingWithoutSeat(ctx, { orgId, email, path: 'scim', actor }, () =>
    inTransaction(ctx, (tx) => {
      const org = findOrg(tx, orgId);
      const member = findMember(tx, orgId, memberId);
      if (!org || !member) throw new NotFound('user', memberId);
      if (email !== member.email) {
        const domain = email.split('@')[1] ?? '';
        if (!listOrgDomains(tx, orgId).includes(domain)) {
          throw Invalid.field('emails', `the domain ${domain} is not a verified domain of this organization`);
        }
        if (findMemberByEmail(tx, orgId, email)) throw new Conflict(`A user with the email ${email} already exists`, 'uniqueness');
      }
      const userName = input.userName ?? email;
      const holder = findMemberByUserName(tx, orgId, userName);
      if (holder && holder.id !== memberId) throw new Conflict(`A user with userName ${holder.userName} already exists`, 'uniqueness');
      const now = ctx.clock.now();
      const written = updateMemberAtVersion(tx, orgId, memberId, ifVersion, {
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
      const by = scimBy(actor);
      const wantActive = input.active;
      if (wantActive !== (member.status === 'active' || member.status === 'invited'))
        setMemberActiveIn(ctx, tx, orgId, memberId, wantActive, by);
      const seatType = input.seatType ?? (input.groups ? seatTypeForGroups(org, input.groups) : undefined);
      if (seatType && seatType !== member.seatType) changeSeatTypeIn(ctx, tx, orgId, memberId, seatType, by);
      recordAudit(tx, now, {
        orgId,
        actor,
        action: 'provisioning.scim-update',
        target: email,
        outcome: 'success',
        details: { memberId, active: wantActive, seatType: seatType ?? member.seatType },
      });
      return toMember(findMember(tx, orgId, memberId)!);
    }),
  );
}
