import type { Actor } from '../context';
import type { Role } from '../seatTypes';

/** Who is acting and with which role (an org API token acts as `owner` or `admin`). */
export type By = { actor: Actor; role: Role };

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2, primary_owner: 3 };

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** Admins manage members and admins; only owners make (or unmake) owners. */
export function canGrantRole(by: Role, role: Role): boolean {
  if (!roleAtLeast(by, 'admin')) return false;
  return role === 'owner' || role === 'primary_owner' ? roleAtLeast(by, 'owner') : true;
}
