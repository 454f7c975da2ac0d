import type { FilterNode, FilterValue } from './filterParser';
import type { QueryFilter } from '../domain/queryFilter';
import { ScimError } from './scimError';

/**
 * Where a filter runs: on one resource type's endpoint, an attribute that type lacks is an error;
 * in a root query (RFC 7644 §3.4.3) it is an attribute this resource does not have, so no test of
 * it holds for this type and the others are asked.
 */
export type FilterScope = 'endpoint' | 'root';

const RESOURCE_TYPE = 'meta.resourcetype';

export const isResourceTypePath = (path: string) => path.toLowerCase() === RESOURCE_TYPE;

/** `meta.resourceType eq "User"` and the like, known in advance for a resource of `type`. */
export function resourceTypeTest(node: Extract<FilterNode, { kind: 'compare' | 'present' }>, type: string): boolean {
  if (node.kind === 'present') return true;
  if (node.op !== 'eq' && node.op !== 'ne') throw new ScimError(400, 'invalidFilter', 'meta.resourceType supports eq, ne and pr');
  return (String(node.value).toLowerCase() === type.toLowerCase()) === (node.op === 'eq');
}

/** A test of an attribute the resource type does not filter on: refused on its endpoint, false in a root query. */
export function unsupportedAttribute(path: string, type: string, scope: FilterScope): false {
  if (scope === 'root') return false;
  throw new ScimError(400, 'invalidFilter', `Filtering ${type}s on "${path}" is not supported`);
}

export function scalar(value: FilterValue, path: string): string | boolean | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  throw new ScimError(400, 'invalidFilter', `"${path}" cannot be compared with ${JSON.stringify(value)}`);
}

/** A parsed filter as the domain's boolean tree, each test (a comparison, `pr`, a value path) translated by `leaf`. */
export function filterTree<F extends string, Leaf>(
  node: FilterNode,
  leaf: (test: Exclude<FilterNode, { kind: 'and' | 'or' | 'not' }>) => QueryFilter<F, Leaf>,
): QueryFilter<F, Leaf> {
  const tree = (n: FilterNode) => filterTree(n, leaf);
  switch (node.kind) {
    case 'and':
      return { and: [tree(node.left), tree(node.right)] };
    case 'or':
      return { or: [tree(node.left), tree(node.right)] };
    case 'not':
      return { not: tree(node.expr) };
    default:
      return leaf(node);
  }
}
