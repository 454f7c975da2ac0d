import { isDeepStrictEqual } from 'node:util';
import { ScimError } from './scimError';
import { scimmy } from './scimmySchemas';
import { isObject, NAME_PARTS } from './userCoercion';
import { normalizeUserPayload } from './userResource';

type Json = Record<string, unknown>;

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const STRING_ATTRIBUTES = new Set(['displayName', 'nickName', 'title', 'locale', 'preferredLanguage', 'timezone', 'externalId']);

/** `name.givenName` → `givenName`, for the name's sub-attributes. */
const namePart = (path: string) => (path.startsWith('name.') && NAME_PARTS.has(path.slice(5)) ? path.slice(5) : undefined);

/** Attributes of a User that are booleans: Entra sends them as "True"/"False" strings. */
const BOOLEAN_PATH = /^(active|emails(\[[^\]]*\])?\.primary)$/i;

/**
 * Evens out what Entra sends: "False" for a boolean, in a path op on a boolean attribute or in a
 * no-path value (where normalizeUserPayload also handles the manager and dotted keys). A string
 * attribute that happens to read "True" stays a string.
 */
export function normalizeOperations(operations: unknown): unknown {
  if (!Array.isArray(operations)) return operations;
  return operations.map((op: { path?: unknown; value?: unknown } | null) => {
    if (!op || op.value === undefined) return op;
    if (isObject(op.value)) return { ...op, value: normalizeUserPayload(op.value) };
    if (typeof op.path === 'string' && BOOLEAN_PATH.test(op.path) && typeof op.value === 'string' && /^(true|false)$/i.test(op.value))
      return { ...op, value: op.value.toLowerCase() === 'true' };
    return op;
  });
}

/**
 * The PATCH Okta and Entra send most — add/replace/remove of a plain core attribute by path
 * (`displayName`, `active`, `name.givenName`, …) or a no-path value of such attributes (Entra's
 * `{"op":"Replace","value":{"active":false}}`) — applied to the resource directly. Anything else
 * (filters, multi-valued or extension paths, other casings, other value types) answers undefined
 * and goes to scimmy's PatchOp; a property test holds this to scimmy's outcome on generated patches.
 */
export function applyCommonPatch(resource: Json, body: Json, operations: unknown): Json | undefined {
  if (!Array.isArray(body.schemas) || body.schemas.length !== 1 || body.schemas[0] !== PATCH_OP) return undefined;
  if (Object.keys(body).some((k) => k !== 'schemas' && k !== 'Operations')) return undefined;
  if (!Array.isArray(operations) || operations.length === 0) return undefined;
  const next = JSON.parse(JSON.stringify(resource)) as Json;
  const setAttribute = (name: string, value: unknown): boolean => {
    if (name === 'active' ? typeof value !== 'boolean' : !STRING_ATTRIBUTES.has(name) || typeof value !== 'string') return false;
    next[name] = value;
    return true;
  };
  for (const op of operations) {
    if (!isObject(op) || Object.keys(op).some((k) => k !== 'op' && k !== 'path' && k !== 'value')) return undefined;
    const kind = typeof op.op === 'string' ? op.op.toLowerCase() : '';
    if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') return undefined;
    if (op.path === undefined) {
      if (kind === 'remove' || !isObject(op.value) || Object.keys(op.value).length === 0) return undefined;
      for (const [name, value] of Object.entries(op.value)) if (!setAttribute(name, value)) return undefined;
      continue;
    }
    if (typeof op.path !== 'string') return undefined;
    const part = namePart(op.path);
    if (kind === 'remove') {
      if (op.value !== undefined) return undefined;
      if (part) {
        if (!isObject(next.name) || !(part in next.name)) return undefined;
        delete (next.name as Json)[part];
      } else if (STRING_ATTRIBUTES.has(op.path) && op.path in next) delete next[op.path];
      else return undefined;
    } else if (part) {
      if (typeof op.value !== 'string' || (next.name !== undefined && !isObject(next.name))) return undefined;
      next.name = { ...((next.name as Json | undefined) ?? {}), [part]: op.value };
    } else if (!setAttribute(op.path, op.value)) return undefined;
  }
  return next;
}

/** scimmy's PatchOp on a User: its validation of the message and its semantics for every operation. Throws ScimError. */
export async function patchWithScimmy(resource: Json, body: Json, operations: unknown): Promise<Json | undefined> {
  const S = scimmy();
  try {
    const message = new S.Messages.PatchOp({ ...body, Operations: operations } as ConstructorParameters<typeof S.Messages.PatchOp>[0]);
    const patched = await message.apply(new S.Schemas.User(resource, 'in'), async (r) => r as unknown as Json);
    return patched === undefined ? undefined : (JSON.parse(JSON.stringify(patched)) as Json);
  } catch (err) {
    const e = err as { status?: number; scimType?: string; message: string };
    throw new ScimError(e.status ?? 400, e.scimType ?? 'invalidValue', e.message);
  }
}

/** The resource as JSON without meta, for comparing before and after (key order and object realms aside). */
const comparable = (r: Json) => JSON.parse(JSON.stringify({ ...r, meta: undefined })) as unknown;

/** A User PATCH: the patched resource, or undefined when it changes nothing. */
export async function patchUser(resource: Json, body: unknown): Promise<Json | undefined> {
  const message = isObject(body) ? body : {};
  const operations = normalizeOperations(message.Operations);
  const direct = applyCommonPatch(resource, message, operations);
  if (direct) return isDeepStrictEqual(comparable(direct), comparable(resource)) ? undefined : direct;
  return patchWithScimmy(resource, message, operations);
}
