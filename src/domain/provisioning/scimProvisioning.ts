import { recordAudit } from '../audit/auditLog';
import { inTransaction, type Actor, type DomainContext } from '../context';
import { Conflict, Invalid, NotFound } from '../errors';
import { newId } from '../ids';
import { findMemberByEmail, insertMember } from '../orgs/memberRepository';
import { toMember, type Member } from '../orgs/members';
import { findOrg, listOrgDomains } from '../orgs/orgRepository';
import type { SeatType } from '../seatTypes';
import { seatTypeForGroups } from './admission';
import { refusingWithoutSeat } from './refusals';
import { reserveSeat } from './seatReservation';

export type ScimUserInput = {
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

/**
 * The IdP created a user. Created active, they become a member holding a seat (type from the
 * request, else their mapped groups, else the org default) — or are refused when none is free.
 * Created inactive, they are stored without a seat.
 */
export function provisionScimUser(ctx: DomainContext, orgId: string, input: ScimUserInput, actor: Actor): Member {
  const email = input.email.trim().toLowerCase();
  return refusingWithoutSeat(ctx, { orgId, email, path: 'scim', actor }, () =>
    inTransaction(ctx, (tx) => {
      const org = findOrg(tx, orgId);
      if (!org) throw new NotFound('organization', orgId);
      const domain = email.split('@')[1] ?? '';
      if (!listOrgDomains(tx, orgId).includes(domain)) {
        throw Invalid.field('userName', `the domain ${domain} is not a verified domain of this organization`);
      }
      if (findMemberByEmail(tx, orgId, email)) throw new Conflict(`A user with userName ${email} already exists`, 'uniqueness');
      const seatType = input.seatType ?? seatTypeForGroups(org, input.groups);
      if (input.active) reserveSeat(ctx, tx, orgId, seatType);
      const now = ctx.clock.now();
      const at = now.toISOString();
      const id = newId('mem');
      insertMember(tx, {
        id,
        orgId,
        email,
        role: 'member',
        status: input.active ? 'active' : 'deactivated',
        seatType,
        source: 'scim',
        givenName: input.givenName ?? null,
        familyName: input.familyName ?? null,
        displayName: input.displayName ?? null,
        externalId: input.externalId ?? null,
        scimAttributes: input.scimAttributes ?? null,
        createdAt: at,
        updatedAt: at,
      });
      recordAudit(tx, now, {
        orgId,
        actor,
        action: 'provisioning.scim',
        target: email,
        outcome: 'success',
        details: { memberId: id, active: input.active, seatType },
      });
      return toMember(findMemberByEmail(tx, orgId, email)!);
    }),
  );
}
