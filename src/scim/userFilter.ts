import type { EmailField, EmailQueryFilter, MemberField, MemberQueryFilter } from '../domain/orgs/memberQuery';
import type { FilterNode } from './filterParser';
import { ownValue } from '../domain/ownValue';
import { filterTree, isResourceTypePath, resourceTypeTest, scalar, unsupportedAttribute, type FilterScope } from './filterScope';
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
  return filterTree(node, (test) => {
    if (test.kind === 'valuePath') throw new ScimError(400, 'invalidFilter', 'Value paths cannot be nested');
    const field = ownValue(EMAIL_FIELDS, test.path.toLowerCase());
    if (!field) throw new ScimError(400, 'invalidFilter', `Emails have no "${test.path}" to filter on (value, type, primary)`);
    if (test.kind === 'present') return { field, op: 'pr' };
    if (field === 'primary' && (typeof test.value !== 'boolean' || (test.op !== 'eq' && test.op !== 'ne')))
      throw new ScimError(400, 'invalidFilter', 'emails.primary compares with true or false, by eq or ne');
    return { field, op: test.op, value: scalar(test.value, test.path) };
  });
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
  return filterTree(node, (test): MemberQueryFilter => {
    if (test.kind === 'valuePath') {
      if (normalize(test.path) !== 'emails') return unsupportedAttribute(test.path, 'User', scope);
      return { anyEmail: emailSubFilter(test.filter) };
    }
    if (isResourceTypePath(test.path)) return resourceTypeTest(test, 'User');
    const emails = emailPathFilter(test);
    if (emails) return emails;
    const field = ownValue(FIELDS, normalize(test.path));
    if (!field) return unsupportedAttribute(test.path, 'User', scope);
    if (test.kind === 'present') return { field, op: 'pr' };
    if (field === 'active' && typeof test.value !== 'boolean')
      throw new ScimError(400, 'invalidFilter', 'active compares with true or false');
    if (field === 'active' && test.op !== 'eq' && test.op !== 'ne') throw new ScimError(400, 'invalidFilter', 'active supports eq and ne');
    return { field, op: test.op, value: scalar(test.value, test.path) };
  });
}

/** sortBy → member field; active cannot be sorted on. */
export function sortField(path: string): Exclude<MemberField, 'active'> {
  const field = ownValue(FIELDS, normalize(path));
  if (!field || field === 'active') throw new ScimError(400, 'invalidValue', `Sorting by "${path}" is not supported`);
  return field;
}
