import type { EmailField, EmailQueryFilter, MemberField, MemberQueryFilter } from '../domain/orgs/memberQuery';
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

/** Inside emails[…], or after `emails.`: a test of one email's value, type or primary flag. */
function emailSubFilter(node: FilterNode): EmailQueryFilter {
  switch (node.kind) {
    case 'and':
      return { and: [emailSubFilter(node.left), emailSubFilter(node.right)] };
    case 'or':
      return { or: [emailSubFilter(node.left), emailSubFilter(node.right)] };
    case 'not':
      return { not: emailSubFilter(node.expr) };
    case 'present':
    case 'compare': {
      const field = ownValue(EMAIL_FIELDS, node.path.toLowerCase());
      if (!field) throw new ScimError(400, 'invalidFilter', `Emails have no "${node.path}" to filter on (value, type, primary)`);
      if (node.kind === 'present') return { field, op: 'pr' };
      if (field === 'primary' && (typeof node.value !== 'boolean' || (node.op !== 'eq' && node.op !== 'ne')))
        throw new ScimError(400, 'invalidFilter', 'emails.primary compares with true or false, by eq or ne');
      return { field, op: node.op, value: scalar(node.value, node.path) };
    }
    case 'valuePath':
      throw new ScimError(400, 'invalidFilter', 'Value paths cannot be nested');
  }
}

const EMAIL_FIELDS: Record<string, EmailField> = { value: 'value', type: 'type', primary: 'primary' };

/** `emails` or `emails.<sub-attribute>` outside brackets: some one of the emails passes (RFC 7644 §3.4.2.2). */
function emailPathFilter(node: Extract<FilterNode, { kind: 'compare' | 'present' }>): MemberQueryFilter | undefined {
  const path = normalize(node.path);
  if (path !== 'emails' && !path.startsWith('emails.')) return undefined;
  return { anyEmail: emailSubFilter({ ...node, path: path === 'emails' ? 'value' : path.slice('emails.'.length) }) };
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
      const emails = emailPathFilter(node);
      if (emails) return emails;
      const field = ownValue(FIELDS, normalize(node.path));
      return field ? { field, op: 'pr' } : unsupportedAttribute(node.path, 'User', scope);
    }
    case 'compare': {
      if (isResourceTypePath(node.path)) return resourceTypeTest(node, 'User');
      const emails = emailPathFilter(node);
      if (emails) return emails;
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
      return { anyEmail: emailSubFilter(node.filter) };
  }
}

/** sortBy → member field; active cannot be sorted on. */
export function sortField(path: string): Exclude<MemberField, 'active'> {
  const field = ownValue(FIELDS, normalize(path));
  if (!field || field === 'active') throw new ScimError(400, 'invalidValue', `Sorting by "${path}" is not supported`);
  return field;
}
