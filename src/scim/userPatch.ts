import { isDeepStrictEqual } from 'node:util';
import { scimErrorFrom } from './scimError';
import { ENTERPRISE_USER, SEATD_USER } from './userFilter';
import { scimmy } from './scimmySchemas';
import { isObject, NAME_PARTS } from './userCoercion';
import { MULTI_VALUED, normalizeUserPayload, withBooleanPrimary } from './userResource';

type Json = Record<string, unknown>;

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const STRING_ATTRIBUTES = new Set(['displayName', 'nickName', 'title', 'locale', 'preferredLanguage', 'timezone', 'externalId']);

/** `name.givenName` → `givenName`, for the name's sub-attributes. */
const namePart = (path: string) => (path.startsWith('name.') && NAME_PARTS.has(path.slice(5)) ? path.slice(5) : undefined);

/** Attributes of a User that are booleans: Entra sends them as "True"/"False" strings. */
const BOOLEAN_PATH = new RegExp(`^(active|(${MULTI_VALUED.join('|')})(\\[[^\\]]*\\])?\\.primary)$`, 'i');
const MULTI_VALUED_PATH = new RegExp(`^(${MULTI_VALUED.join('|')})$`, 'i');

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
    if (typeof op.path === 'string' && MULTI_VALUED_PATH.test(op.path) && Array.isArray(op.value))
      return { ...op, value: withBooleanPrimary(op.value) };
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
    throw scimErrorFrom(err, 'The PATCH could not be applied to this User; check each operation’s path and value against /Schemas');
  }
}

/** The resource as JSON without meta, for comparing before and after (key order and object realms aside). */
const comparable = (r: Json) => JSON.parse(JSON.stringify({ ...r, meta: undefined })) as unknown;

const EXTENSIONS = [ENTERPRISE_USER, SEATD_USER];

/** The extension a `remove` names as a whole (its URN as the path), which scimmy cannot apply. */
function removedExtension(op: unknown): string | undefined {
  if (!isObject(op) || typeof op.op !== 'string' || op.op.toLowerCase() !== 'remove' || typeof op.path !== 'string') return undefined;
  const path = op.path.trim().toLowerCase();
  return EXTENSIONS.find((urn) => urn.toLowerCase() === path);
}

function withoutExtension(resource: Json, urn: string): Json {
  const { [urn]: _removed, ...rest } = resource;
  return { ...rest, schemas: Array.isArray(rest.schemas) ? rest.schemas.filter((s) => s !== urn) : rest.schemas };
}

/** Operations applied in order: the common ones directly, a whole extension's removal by seatd, the rest by scimmy. */
async function applyOperations(resource: Json, message: Json, operations: unknown): Promise<Json | undefined> {
  if (!Array.isArray(operations) || !operations.some(removedExtension)) {
    return applyCommonPatch(resource, message, operations) ?? patchWithScimmy(resource, message, operations);
  }
  let current = resource;
  let pending: unknown[] = [];
  const flush = async () => {
    if (pending.length) current = (await applyOperations(current, message, pending)) ?? current;
    pending = [];
  };
  for (const op of operations) {
    const urn = removedExtension(op);
    if (!urn) pending.push(op);
    else {
      await flush();
      current = withoutExtension(current, urn);
    }
  }
  await flush();
  return current;
}

/** A User PATCH: the patched resource, or undefined when it changes nothing. */
export async function patchUser(resource: Json, body: unknown): Promise<Json | undefined> {
  const message = isObject(body) ? body : {};
  const patched = await applyOperations(resource, message, normalizeOperations(message.Operations));
  return patched && !isDeepStrictEqual(comparable(patched), comparable(resource)) ? patched : undefined;
}
