import type { MemberField, MemberQueryFilter } from '../domain/orgs/memberQuery';
import type { FilterNode } from './filterParser';
import { ownValue } from '../domain/ownValue';
import { isResourceTypePath, resourceTypeTest, scalar, unsupportedAttribute, type FilterScope } from './filterScope';
import { ScimError } from './scimError';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SEATD_USER = 'urn:ietf:params:scim:schemas:extension:seatd:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** SCIM User attribute paths (case-insensitive, optionally URN-qualified) → member fields. */
const FIELDS: Record<string, MemberField> = {
  id: 'id',
  username: 'userName',
  externalid: 'externalId',
  'name.givenname': 'givenName',
  'name.familyname': 'familyName',
  displayname: 'displayName',
  active: 'active',
  emails: 'email',
  'emails.value': 'email',
  'meta.created': 'createdAt',
  'meta.lastmodified': 'updatedAt',
  [`${SEATD_USER.toLowerCase()}:seattype`]: 'seatType',
};

function normalize(path: string): string {
  const lower = path.toLowerCase();
  const core = `${CORE_USER.toLowerCase()}:`;
  return lower.startsWith(core) ? lower.slice(core.length) : lower;
}


/** Inside emails[…]: seatd keeps one email per member, of type "work" and primary. */
function emailSubFilter(node: FilterNode): MemberQueryFilter {
  switch (node.kind) {
    case 'and':
      return { and: [emailSubFilter(node.left), emailSubFilter(node.right)] };
    case 'or':
      return { or: [emailSubFilter(node.left), emailSubFilter(node.right)] };
    case 'not':
      return { not: emailSubFilter(node.expr) };
    case 'present':
      return ['value', 'type', 'primary'].includes(node.path.toLowerCase());
    case 'compare': {
      const sub = node.path.toLowerCase();
      if (sub === 'value') return { field: 'email', op: node.op, value: scalar(node.value, node.path) };
      if (sub === 'type' && (node.op === 'eq' || node.op === 'ne'))
        return (String(node.value).toLowerCase() === 'work') === (node.op === 'eq');
      if (sub === 'primary' && (node.op === 'eq' || node.op === 'ne')) return (node.value === true) === (node.op === 'eq');
      throw new ScimError(400, 'invalidFilter', `Filtering emails on "${node.path} ${node.op}" is not supported`);
    }
    case 'valuePath':
      throw new ScimError(400, 'invalidFilter', 'Value paths cannot be nested');
  }
}

/** Translates a parsed filter into the member query the domain runs as SQL. */
export function userFilter(node: FilterNode, scope: FilterScope = 'endpoint'): MemberQueryFilter {
  const tree = (n: FilterNode) => userFilter(n, scope);
  switch (node.kind) {
    case 'and':
      return { and: [tree(node.left), tree(node.right)] };
    case 'or':
      return { or: [tree(node.left), tree(node.right)] };
    case 'not':
      return { not: tree(node.expr) };
    case 'present': {
      if (isResourceTypePath(node.path)) return resourceTypeTest(node, 'User');
      const field = ownValue(FIELDS, normalize(node.path));
      return field ? { field, op: 'pr' } : unsupportedAttribute(node.path, 'User', scope);
    }
    case 'compare': {
      if (isResourceTypePath(node.path)) return resourceTypeTest(node, 'User');
      const field = ownValue(FIELDS, normalize(node.path));
      if (!field) return unsupportedAttribute(node.path, 'User', scope);
      if (field === 'active' && typeof node.value !== 'boolean')
        throw new ScimError(400, 'invalidFilter', 'active compares with true or false');
      if (field === 'active' && node.op !== 'eq' && node.op !== 'ne')
        throw new ScimError(400, 'invalidFilter', 'active supports eq and ne');
      return { field, op: node.op, value: scalar(node.value, node.path) };
    }
    case 'valuePath':
      if (normalize(node.path) !== 'emails') return unsupportedAttribute(node.path, 'User', scope);
      return emailSubFilter(node.filter);
  }
}

/** sortBy → member field; active cannot be sorted on. */
export function sortField(path: string): Exclude<MemberField, 'active'> {
  const field = ownValue(FIELDS, normalize(path));
  if (!field || field === 'active') throw new ScimError(400, 'invalidValue', `Sorting by "${path}" is not supported`);
  return field;
}
