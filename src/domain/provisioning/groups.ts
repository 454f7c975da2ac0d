import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { members, scimGroupMembers, scimGroups, seatRefusals } from '../../../db/schema';
import { recordEvent } from '../events/events';
import { recordAudit } from '../audit/auditLog';
import { inTransaction, orgScoped, type Actor, type DomainContext, type Queryable, type Tx } from '../context';
import { Invalid, NoSeatAvailable, NotFound, StaleVersion, type IfVersion } from '../errors';
import { newId } from '../ids';
import { ownValue } from '../ownValue';
import { comparisonSql, filterTreeSql, type Condition, type QueryFilter } from '../queryFilter';
import { findMember } from '../orgs/memberRepository';
import { findOrg } from '../orgs/orgRepository';
import { seatTypeForGroups } from './admission';
import { changeSeatTypeIn } from './memberChanges';
import { firstRow } from '../rows';

export type Group = {
  id: string;
  displayName: string;
  externalId: string | null;
  members: { id: string; email: string }[];
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type GroupInput = { displayName: string; externalId?: string | null; memberIds: string[] };

function groupRow(q: Tx | DomainContext['db'], orgId: string, groupId: string) {
  return q
    .select()
    .from(scimGroups)
    .where(and(eq(scimGroups.orgId, orgId), eq(scimGroups.id, groupId)))
    .then(firstRow);
}

async function membersOf(q: Tx | DomainContext['db'], groupIds: string[]): Promise<Map<string, { id: string; email: string }[]>> {
  const byGroup = new Map<string, { id: string; email: string }[]>();
  if (!groupIds.length) return byGroup;
  const rows = await q
    .select({ groupId: scimGroupMembers.groupId, id: members.id, email: members.email })
    .from(scimGroupMembers)
    .innerJoin(members, eq(members.id, scimGroupMembers.memberId))
    .where(inArray(scimGroupMembers.groupId, groupIds))
    .orderBy(asc(members.email));
  for (const r of rows) {
    const list = byGroup.get(r.groupId);
    if (list) list.push({ id: r.id, email: r.email });
    else byGroup.set(r.groupId, [{ id: r.id, email: r.email }]);
  }
  return byGroup;
}

function toGroup(row: typeof scimGroups.$inferSelect, groupMembers: { id: string; email: string }[]): Group {
  return {
    id: row.id,
    displayName: row.displayName,
    externalId: row.externalId,
    members: groupMembers,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The names of the IdP groups a member belongs to, oldest group first. */
export async function groupNamesOfMember(q: Queryable, memberId: string): Promise<string[]> {
  return (
    await q
      .select({ name: scimGroups.displayName })
      .from(scimGroupMembers)
      .innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId))
      .where(eq(scimGroupMembers.memberId, memberId))
      .orderBy(asc(scimGroups.createdAt))
  ).map((r) => r.name);
}

/**
 * A member's seat type follows the org's group → seat type map: the first mapped group wins; with
 * no mapped group the type stays. Without a free seat of the new type the membership still counts
 * (it is the IdP's fact), the member keeps the old type, and the refusal is recorded and alerted.
 */
async function applyGroupSeatTypes(ctx: DomainContext, tx: Tx, orgId: string, memberIds: string[], actor: Actor): Promise<void> {
  const org = (await findOrg(tx, orgId))!;
  if (!Object.keys(org.groupSeatTypes).length) return;
  for (const memberId of new Set(memberIds)) {
    const member = await findMember(tx, orgId, memberId);
    if (!member) continue;
    const groupNames = await groupNamesOfMember(tx, memberId);
    if (!groupNames.some((g) => ownValue(org.groupSeatTypes, g))) continue;
    const wanted = seatTypeForGroups(org, groupNames);
    if (wanted === member.seatType) continue;
    try {
      await inTransaction(orgScoped(ctx, orgId), (savepoint) => changeSeatTypeIn(ctx, savepoint, orgId, memberId, wanted, { actor, role: 'owner' }));
    } catch (err) {
      if (!(err instanceof NoSeatAvailable)) throw err;
      const at = ctx.clock.now();
      await tx.insert(seatRefusals).values({ orgId, email: member.email, path: 'scim', seatType: wanted, at: at.toISOString() });
      await recordAudit(tx, at, {
        orgId,
        actor,
        action: 'member.seat-type',
        target: member.email,
        outcome: 'refused',
        details: { reason: 'no-seat-available', wanted, via: 'group' },
      });
      await recordEvent(tx, at, {
        type: 'signin.refused',
        orgId,
        actor,
        data: { email: member.email, path: 'scim', seatType: wanted, reason: 'no-seat-available', via: 'group' },
      });
    }
  }
}

/** SQLite binds at most 32,766 values per statement; a group of the IdP's can name more people than that. */
const IDS_PER_STATEMENT = 10_000;

function inChunks<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

async function requireMembers(tx: Tx, orgId: string, memberIds: string[]): Promise<void> {
  const unique = [...new Set(memberIds)];
  let found = 0;
  for (const ids of inChunks(unique, IDS_PER_STATEMENT))
    found += (await tx
      .select({ n: count() })
      .from(members)
      .where(and(eq(members.orgId, orgId), inArray(members.id, ids)))
      .then(firstRow))!.n;
  if (found !== unique.length) throw Invalid.field('members', 'lists a user that does not exist in this organization');
}

async function writeMembership(tx: Tx, groupId: string, memberIds: string[]): Promise<void> {
  await tx.delete(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId));
  // two values per row
  for (const ids of inChunks([...new Set(memberIds)], IDS_PER_STATEMENT / 2))
    await tx.insert(scimGroupMembers).values(ids.map((memberId) => ({ groupId, memberId })));
}

/** Writes a group's own row if it is at one of the versions given (the If-Match of the request), bumping the version. */
async function updateGroupAtVersion(
  tx: Tx,
  row: typeof scimGroups.$inferSelect,
  ifVersion: IfVersion,
  values: Pick<typeof scimGroups.$inferInsert, 'displayName' | 'externalId' | 'updatedAt'>,
): Promise<void> {
  const written = (
    await tx
      .update(scimGroups)
      .set({ ...values, version: sql`${scimGroups.version} + 1` })
      .where(and(eq(scimGroups.id, row.id), ifVersion ? inArray(scimGroups.version, [...ifVersion]) : undefined))
  ).changes;
  if (!written) throw new StaleVersion('group', ifVersion ?? [], row.version);
}

export async function createGroup(ctx: DomainContext, orgId: string, input: GroupInput, actor: Actor): Promise<Group> {
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    await requireMembers(tx, orgId, input.memberIds);
    const now = ctx.clock.now();
    const id = newId('grp');
    await tx.insert(scimGroups).values({
      id,
      orgId,
      displayName: input.displayName,
      externalId: input.externalId ?? null,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    await writeMembership(tx, id, input.memberIds);
    await applyGroupSeatTypes(ctx, tx, orgId, input.memberIds, actor);
    await recordAudit(tx, now, {
      orgId,
      actor,
      action: 'group.create',
      target: input.displayName,
      outcome: 'success',
      details: { groupId: id, members: input.memberIds.length },
    });
    return toGroup((await groupRow(tx, orgId, id))!, (await membersOf(tx, [id])).get(id) ?? []);
  });
}

/** Replaces a group's name and members (PUT, and PATCH once applied); seat types follow. */
export async function replaceGroup(
  ctx: DomainContext,
  orgId: string,
  groupId: string,
  input: GroupInput,
  actor: Actor,
  ifVersion?: IfVersion,
): Promise<Group> {
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const row = await groupRow(tx, orgId, groupId);
    if (!row) throw new NotFound('group', groupId);
    await requireMembers(tx, orgId, input.memberIds);
    const before = ((await membersOf(tx, [groupId])).get(groupId) ?? []).map((m) => m.id);
    const now = ctx.clock.now();
    await updateGroupAtVersion(tx, row, ifVersion, {
      displayName: input.displayName,
      externalId: input.externalId ?? null,
      updatedAt: now.toISOString(),
    });
    await writeMembership(tx, groupId, input.memberIds);
    await applyGroupSeatTypes(ctx, tx, orgId, [...before, ...input.memberIds], actor);
    const [beforeSet, afterSet] = [new Set(before), new Set(input.memberIds)];
    const added = [...afterSet].filter((m) => !beforeSet.has(m)).length;
    const removed = before.filter((m) => !afterSet.has(m)).length;
    await recordAudit(tx, now, {
      orgId,
      actor,
      action: 'group.update',
      target: input.displayName,
      outcome: 'success',
      details: { groupId, added, removed },
    });
    return toGroup((await groupRow(tx, orgId, groupId))!, (await membersOf(tx, [groupId])).get(groupId) ?? []);
  });
}

export type GroupChange = { displayName: string; externalId: string | null; add: string[]; remove: string[] };
export type GroupHeader = Omit<Group, 'members'>;

/**
 * Changes a group by a delta (a PATCH adding or removing people): only the memberships named are
 * written and only their holders' seat types re-evaluated, whatever the size of the group.
 */
export async function changeGroup(
  ctx: DomainContext,
  orgId: string,
  groupId: string,
  change: GroupChange,
  actor: Actor,
  ifVersion?: IfVersion,
): Promise<GroupHeader> {
  return inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const row = await groupRow(tx, orgId, groupId);
    if (!row) throw new NotFound('group', groupId);
    await requireMembers(tx, orgId, change.add);
    let added = 0;
    let removed = 0;
    const changed: string[] = [];
    for (const memberId of new Set(change.add)) {
      if ((await tx.insert(scimGroupMembers).values({ groupId, memberId }).onConflictDoNothing()).changes) {
        added++;
        changed.push(memberId);
      }
    }
    for (const memberId of new Set(change.remove)) {
      const gone = (
        await tx.delete(scimGroupMembers).where(and(eq(scimGroupMembers.groupId, groupId), eq(scimGroupMembers.memberId, memberId)))
      ).changes;
      if (gone) {
        removed++;
        changed.push(memberId);
      }
    }
    const now = ctx.clock.now();
    await updateGroupAtVersion(tx, row, ifVersion, {
      displayName: change.displayName,
      externalId: change.externalId,
      updatedAt: now.toISOString(),
    });
    await applyGroupSeatTypes(ctx, tx, orgId, changed, actor);
    await recordAudit(tx, now, {
      orgId,
      actor,
      action: 'group.update',
      target: change.displayName,
      outcome: 'success',
      details: { groupId, added, removed },
    });
    const { members: _none, ...header } = toGroup((await groupRow(tx, orgId, groupId))!, []);
    return header;
  });
}

/** A group without its members: what an ETag check or a rename needs, at any group size. */
export async function getGroupHeader(ctx: DomainContext, orgId: string, groupId: string): Promise<GroupHeader> {
  const row = await groupRow(ctx.db, orgId, groupId);
  if (!row) throw new NotFound('group', groupId);
  const { members: _none, ...header } = toGroup(row, []);
  return header;
}

export async function deleteGroup(ctx: DomainContext, orgId: string, groupId: string, actor: Actor, ifVersion?: IfVersion): Promise<void> {
  await inTransaction(orgScoped(ctx, orgId), async (tx) => {
    const row = await groupRow(tx, orgId, groupId);
    if (!row) throw new NotFound('group', groupId);
    const before = ((await membersOf(tx, [groupId])).get(groupId) ?? []).map((m) => m.id);
    const deleted = (
      await tx
        .delete(scimGroups)
        .where(and(eq(scimGroups.id, groupId), ifVersion ? inArray(scimGroups.version, [...ifVersion]) : undefined))
    ).changes;
    if (!deleted) throw new StaleVersion('group', ifVersion ?? [], row.version);
    await applyGroupSeatTypes(ctx, tx, orgId, before, actor);
    await recordAudit(tx, ctx.clock.now(), {
      orgId,
      actor,
      action: 'group.delete',
      target: row.displayName,
      outcome: 'success',
      details: { groupId },
    });
  });
}

export async function getGroup(ctx: DomainContext, orgId: string, groupId: string): Promise<Group> {
  const row = await groupRow(ctx.db, orgId, groupId);
  if (!row) throw new NotFound('group', groupId);
  return toGroup(row, (await membersOf(ctx.db, [groupId])).get(groupId) ?? []);
}

/** Group fields a query may test; adapters (SCIM) map their attribute names onto these. */
export type GroupField = 'id' | 'displayName' | 'externalId' | 'createdAt' | 'updatedAt';
export type GroupQueryFilter = QueryFilter<GroupField>;
export type GroupQuery = { filter?: GroupQueryFilter; offset: number; limit: number; withMembers: boolean };

const GROUP_COLUMNS = {
  id: scimGroups.id,
  displayName: scimGroups.displayName,
  externalId: scimGroups.externalId,
  createdAt: scimGroups.createdAt,
  updatedAt: scimGroups.updatedAt,
} as const;

/** displayName compares without regard to case (SCIM's caseExact=false); the ids exactly. */
const groupConditionSql = (c: Condition<GroupField>) => comparisonSql(GROUP_COLUMNS[c.field], c, c.field === 'displayName');

/** Groups of an org, filtered and paged in SQL, in creation order. */
export async function queryGroups(ctx: DomainContext, orgId: string, query: GroupQuery): Promise<{ total: number; groups: Group[] }> {
  const where = and(eq(scimGroups.orgId, orgId), filterTreeSql(query.filter, groupConditionSql));
  const total = (await ctx.db.select({ n: count() }).from(scimGroups).where(where).then(firstRow))?.n ?? 0;
  if (query.limit === 0) return { total, groups: [] };
  const rows = await ctx.db
    .select()
    .from(scimGroups)
    .where(where)
    .orderBy(asc(scimGroups.createdAt), asc(scimGroups.id))
    .limit(query.limit)
    .offset(query.offset);
  const groupMembers = query.withMembers
    ? await membersOf(
        ctx.db,
        rows.map((r) => r.id),
      )
    : new Map();
  return { total, groups: rows.map((r) => toGroup(r, groupMembers.get(r.id) ?? [])) };
}
