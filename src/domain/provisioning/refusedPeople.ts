import type { DomainContext } from '../context';
import { DomainError } from '../errors';
import { findMemberByEmail } from '../orgs/memberRepository';
import { inviteMember } from './invitations';
import { listRefusals } from './refusals';
import type { By } from '../orgs/roles';

/** How far back "the refused people" reaches: a refusal older than this was probably dealt with another way. */
const REFUSALS_CONSIDERED = 200;

/** People an admin tried to invite and who were refused for lack of a seat, and who are still not members: one per email. */
export async function refusedInvitees(ctx: DomainContext, orgId: string): Promise<{ email: string; seatType: 'standard' | 'premium' }[]> {
  const seen = new Set<string>();
  const people: { email: string; seatType: 'standard' | 'premium' }[] = [];
  for (const r of await listRefusals(ctx, orgId, REFUSALS_CONSIDERED)) {
    if (r.path !== 'invite' || seen.has(r.email)) continue;
    seen.add(r.email);
    if (!(await findMemberByEmail(ctx.db, orgId, r.email))) people.push({ email: r.email, seatType: r.seatType });
  }
  return people;
}

/**
 * Seats were added: invites everyone refused for lack of a seat (as members, with the seat type
 * they were refused for), stopping at the first refusal. Answers who was invited and why the rest were not.
 */
export async function inviteRefusedPeople(
  ctx: DomainContext,
  orgId: string,
  by: By,
): Promise<{ invited: string[]; notInvited: { email: string; reason: string }[] }> {
  const invited: string[] = [];
  const notInvited: { email: string; reason: string }[] = [];
  for (const person of await refusedInvitees(ctx, orgId)) {
    try {
      await inviteMember(ctx, orgId, { email: person.email, role: 'member', seatType: person.seatType }, by);
      invited.push(person.email);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      notInvited.push({ email: person.email, reason: err.message });
    }
  }
  return { invited, notInvited };
}
