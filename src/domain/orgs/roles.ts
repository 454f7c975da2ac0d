import type { Actor } from '../context';
import { Forbidden } from '../errors';
import type { Role } from '../seatTypes';

/** Who is acting and with which role (an org API token acts as `owner` or `admin`; a SCIM token as its creator did). */
export type By = { actor: Actor; role: Role };

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2, primary_owner: 3 };

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** The lower of two roles: what a path grants when it may not hand out more than whoever set it up holds. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** Admins manage members and admins; only owners make (or unmake) owners. */
export function canGrantRole(by: Role, role: Role): boolean {
  if (!roleAtLeast(by, 'admin')) return false;
  return role === 'owner' || role === 'primary_owner' ? roleAtLeast(by, 'owner') : true;
}

/** Changing, deactivating or removing an owner is for owners; admins manage everyone else. */
export function requireCanManage(by: By, member: { role: Role; email: string }, act: string): void {
  if (!canGrantRole(by.role, member.role)) {
    throw new Forbidden(`Only owners can ${act} an ${member.role === 'primary_owner' ? 'owner' : member.role}; the caller is ${by.role}`);
  }
}

/** Seats, billing, SSO connections, provisioning settings and tokens are for owners. */
export function requireOwner(by: By, what: string): void {
  if (!roleAtLeast(by.role, 'owner')) throw new Forbidden(`${what} is for owners; the caller is ${by.role}`);
}
