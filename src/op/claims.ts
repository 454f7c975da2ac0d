import type { DomainContext } from '../domain/context';
import { findMemberById, type MemberRow } from '../domain/orgs/memberRepository';
import { findOrg, type OrgRow } from '../domain/orgs/orgRepository';
import { groupNamesOfMember } from '../domain/provisioning/groups';

/** The claims seatd asserts about a member, and the scope each one is released under. */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name'],
  organization: ['org_id', 'org_name', 'role', 'seat_type', 'groups'],
} as const;

export type MemberClaims = {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  org_id: string;
  org_name: string;
  role: MemberRow['role'];
  seat_type: MemberRow['seatType'];
  groups: string[];
};

/**
 * The claims of a member. The email is verified: it is in one of the org's verified domains and
 * came from the org's IdP, SCIM or an accepted invitation.
 */
export function claimsOf(member: MemberRow, org: Pick<OrgRow, 'id' | 'name'>, groups: string[]): MemberClaims {
  const fullName = [member.givenName, member.familyName].filter(Boolean).join(' ');
  const name = member.displayName ?? (fullName || undefined);
  return {
    sub: member.id,
    email: member.email,
    email_verified: true,
    ...(name ? { name } : {}),
    ...(member.givenName ? { given_name: member.givenName } : {}),
    ...(member.familyName ? { family_name: member.familyName } : {}),
    org_id: org.id,
    org_name: org.name,
    role: member.role,
    seat_type: member.seatType,
    groups,
  };
}

/** The member's claims as of now; undefined unless the member exists and is active. */
export async function currentClaims(ctx: DomainContext, memberId: string): Promise<MemberClaims | undefined> {
  const member = await findMemberById(ctx.db, memberId);
  if (member?.status !== 'active') return undefined;
  const org = await findOrg(ctx.db, member.orgId);
  return org ? claimsOf(member, org, await groupNamesOfMember(ctx.db, member.id)) : undefined;
}
