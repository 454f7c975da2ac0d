import { ownValue } from '../domain/ownValue';
import type { Group, GroupField, GroupInput, GroupQueryFilter } from '../domain/provisioning/groups';
import { parseFilter, type FilterNode } from './filterParser';
import { filterTree, isResourceTypePath, resourceTypeTest, scalar, unsupportedAttribute, type FilterScope } from './filterScope';
import { ScimError } from './scimError';

export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
type Json = Record<string, unknown>;

export function groupEtag(group: Pick<Group, 'version'>): string {
  return `W/"${group.version}"`;
}

export function toScimGroup(group: Group, baseUrl: string, withMembers = true): Json {
  return {
    schemas: [CORE_GROUP],
    id: group.id,
    displayName: group.displayName,
    ...(group.externalId ? { externalId: group.externalId } : {}),
    ...(withMembers
      ? { members: group.members.map((m) => ({ value: m.id, display: m.email, $ref: `${baseUrl}/Users/${m.id}`, type: 'User' })) }
      : {}),
    meta: {
      resourceType: 'Group',
      created: group.createdAt,
      lastModified: group.updatedAt,
      location: `${baseUrl}/Groups/${group.id}`,
      version: groupEtag(group),
    },
  };
}

function memberIdsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((m) => {
    const id = m && typeof m === 'object' ? (m as Json).value : undefined;
    if (typeof id !== 'string' || !id) throw new ScimError(400, 'invalidValue', 'Each member needs a "value" with the user id');
    return id;
  });
}

export function fromScimGroup(body: unknown): GroupInput {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ScimError(400, 'invalidSyntax', 'The request body must be a SCIM Group object');
  const b = body as Json;
  if (typeof b.displayName !== 'string' || !b.displayName.trim()) throw new ScimError(400, 'invalidValue', 'displayName is required');
  return {
    displayName: b.displayName.trim(),
    externalId: typeof b.externalId === 'string' ? b.externalId : null,
    memberIds: memberIdsOf(b.members),
  };
}

/** `members[value eq "id"]`, alone or or-ed: the ids it names. */
function idsInMemberFilter(node: FilterNode): string[] {
  if (node.kind === 'or') return [...idsInMemberFilter(node.left), ...idsInMemberFilter(node.right)];
  if (node.kind === 'compare' && node.path.toLowerCase() === 'value' && node.op === 'eq' && typeof node.value === 'string')
    return [node.value];
  throw new ScimError(400, 'invalidFilter', 'Member filters must be of the form members[value eq "<user id>"]');
}

/** What a group PATCH asks: the new name and externalId, and either members added and removed or the whole new membership. */
export type GroupPatch = {
  displayName: string;
  externalId: string | null;
  /** Set when the message replaces the whole membership (later operations are folded into it). */
  members?: string[];
  add: string[];
  remove: string[];
};

/**
 * Reads a PatchOp to a group as Okta and Entra ID send them: add / replace / remove (any case) of
 * displayName, externalId and members, with no path (a value map), with path "members", with
 * members[value eq "…"], and Entra's remove of "members" with a value array. Member additions and
 * removals stay a delta, so a group of 50,000 is not rewritten to add one person.
 */
export function applyGroupPatch(current: { displayName: string; externalId: string | null }, body: unknown): GroupPatch {
  const ops = (body as Json | undefined)?.Operations;
  const schemas = (body as Json | undefined)?.schemas;
  if (!Array.isArray(schemas) || !schemas.includes('urn:ietf:params:scim:api:messages:2.0:PatchOp') || !Array.isArray(ops)) {
    throw new ScimError(400, 'invalidSyntax', 'A PATCH needs the PatchOp schema and an Operations array');
  }
  const state: PatchState = { displayName: current.displayName, externalId: current.externalId, add: new Set(), remove: new Set() };
  for (const raw of ops as Json[]) {
    const op = String(raw.op ?? '').toLowerCase();
    if (!['add', 'replace', 'remove'].includes(op)) throw new ScimError(400, 'invalidValue', `Unknown PATCH op "${String(raw.op)}"`);
    const path = typeof raw.path === 'string' ? raw.path.trim() : undefined;
    const value = raw.value;
    if (!path) {
      if (op === 'remove') throw new ScimError(400, 'noTarget', 'A remove needs a path');
      if (!value || typeof value !== 'object' || Array.isArray(value))
        throw new ScimError(400, 'invalidValue', 'A PATCH without a path needs an object value');
      for (const [key, v] of Object.entries(value as Json)) applyOne(state, op, key, v);
      continue;
    }
    applyOne(state, op, path, value);
  }
  return {
    displayName: state.displayName,
    externalId: state.externalId,
    ...(state.members ? { members: [...state.members] } : {}),
    add: [...state.add],
    remove: [...state.remove],
  };
}

type PatchState = { displayName: string; externalId: string | null; members?: Set<string>; add: Set<string>; remove: Set<string> };

/** Adds or removes members: in the new membership when the message replaced it, else in the delta (a later op undoes an earlier one). */
function changeMembers(state: PatchState, ids: string[], adding: boolean): void {
  const [into, outOf] = adding ? [state.add, state.remove] : [state.remove, state.add];
  for (const id of ids) {
    if (state.members) {
      if (adding) state.members.add(id);
      else state.members.delete(id);
    } else {
      outOf.delete(id);
      into.add(id);
    }
  }
}

function applyOne(state: PatchState, op: string, path: string, value: unknown): void {
  const lower = path.toLowerCase();
  if (lower === 'displayname') {
    if (op === 'remove' || typeof value !== 'string' || !value.trim())
      throw new ScimError(400, 'invalidValue', 'displayName must stay a non-empty string');
    state.displayName = value.trim();
  } else if (lower === 'externalid') {
    state.externalId = op === 'remove' ? null : typeof value === 'string' ? value : null;
  } else if (lower === 'members') {
    const ids = memberIdsOf(value);
    if (op === 'add') changeMembers(state, ids, true);
    else if (op === 'replace' || value === undefined) {
      state.members = new Set(op === 'replace' ? ids : []);
      state.add.clear();
      state.remove.clear();
    } else changeMembers(state, ids, false);
  } else if (lower.startsWith('members[')) {
    const m = /^members\[(.*)\]$/i.exec(path);
    if (!m || op !== 'remove') throw new ScimError(400, 'invalidPath', `Unsupported path "${path}"`);
    changeMembers(state, idsInMemberFilter(parseFilter(m[1]!)), false);
  } else if (lower !== 'id' && lower !== 'schemas') {
    throw new ScimError(400, 'invalidPath', `Unknown Group attribute "${path}"`);
  }
}

/** SCIM Group attribute paths (case-insensitive, optionally URN-qualified) → group fields. */
const GROUP_FIELDS: Record<string, GroupField> = {
  id: 'id',
  displayname: 'displayName',
  externalid: 'externalId',
  'meta.created': 'createdAt',
  'meta.lastmodified': 'updatedAt',
};

const groupField = (path: string) => ownValue(GROUP_FIELDS, path.toLowerCase().replace(`${CORE_GROUP.toLowerCase()}:`, ''));

/** Translates a parsed filter into the group query the domain runs as SQL (Okta and Entra send `displayName eq "…"`). */
export function groupFilter(node: FilterNode, scope: FilterScope = 'endpoint'): GroupQueryFilter {
  return filterTree(node, (test) => {
    if (test.kind === 'valuePath') return unsupportedAttribute(test.path, 'Group', scope);
    if (isResourceTypePath(test.path)) return resourceTypeTest(test, 'Group');
    const field = groupField(test.path);
    if (!field) return unsupportedAttribute(test.path, 'Group', scope);
    return test.kind === 'present' ? { field, op: 'pr' } : { field, op: test.op, value: scalar(test.value, test.path) };
  });
}
