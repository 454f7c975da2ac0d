import type { DomainContext } from '../context';
import { groupNamesOfMember } from '../provisioning/groups';
import { lastSignInsOf } from '../sessions/sessionRepository';
import { queryMembers, type MemberQueryFilter } from '../orgs/memberQuery';
import type { Member } from '../orgs/members';

export type DirectoryEntry = Member & { groups: string[]; lastSignInAt: string | null };

/** A name or email an admin types: a part of the email, the given, family or display name. */
function findFilter(text: string): MemberQueryFilter {
  const value = text.trim().toLowerCase();
  return { or: (['email', 'givenName', 'familyName', 'displayName'] as const).map((field) => ({ field, op: 'co' as const, value })) };
}

/** One page of the members as the console lists them: with their groups and when they last signed in. */
export async function memberDirectory(
  ctx: DomainContext,
  orgId: string,
  query: { find?: string; offset: number; limit: number },
): Promise<{ total: number; members: DirectoryEntry[] }> {
  const page = await queryMembers(ctx, orgId, {
    ...(query.find ? { filter: findFilter(query.find) } : {}),
    offset: query.offset,
    limit: query.limit,
  });
  const signIns = await lastSignInsOf(
    ctx.db,
    orgId,
    page.members.map((m) => m.id),
  );
  return {
    total: page.total,
    members: await Promise.all(
      page.members.map(async (m) => ({ ...m, groups: await groupNamesOfMember(ctx.db, m.id), lastSignInAt: signIns.get(m.id) ?? null })),
    ),
  };
}
