import { SEAT_TYPES, type SeatType } from '../domain/seatTypes';
import { scimmy } from './scimmySchemas';
import { CORE_USER, ENTERPRISE_USER, SEATD_USER } from './userFilter';

type Json = Record<string, unknown>;

const KNOWN_SCHEMAS = new Set([CORE_USER, ENTERPRISE_USER, SEATD_USER]);
const STRINGS = ['externalId', 'userName', 'displayName', 'nickName', 'title', 'locale', 'preferredLanguage', 'timezone', 'password'];
const COMMON = new Set(['schemas', 'id', 'meta', 'name', 'active', 'emails', 'roles', SEATD_USER, ...STRINGS]);
/** The sub-attributes of a User's name, all strings. */
export const NAME_PARTS = new Set(['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix']);

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function commonName(name: unknown): Json | undefined {
  if (!isObject(name)) return undefined;
  for (const [key, value] of Object.entries(name)) if (!NAME_PARTS.has(key) || typeof value !== 'string') return undefined;
  return { ...name };
}

function commonEmails(emails: unknown): Json[] | undefined {
  if (!Array.isArray(emails)) return undefined;
  const out: Json[] = [];
  for (const email of emails) {
    if (!isObject(email) || typeof email.value !== 'string') return undefined;
    for (const [key, value] of Object.entries(email)) {
      const ok =
        key === 'value' ||
        (key === 'display' && typeof value === 'string') ||
        (key === 'type' && typeof value === 'string') ||
        (key === 'primary' && typeof value === 'boolean');
      if (!ok) return undefined;
    }
    out.push({ ...email });
  }
  return out;
}

/**
 * The User that Okta and Entra ID send on almost every create and replace — core attributes, each
 * of the type the schema wants, and seatd's seatType — and what seatd itself hands back (with id
 * and meta, after a PATCH), coerced without scimmy's per-attribute property machinery, which costs
 * more than the rest of a SCIM create together. Anything else (the Enterprise extension, unknown or
 * differently cased keys, a value of the wrong type) answers undefined and goes to scimmy, which
 * stays the authority: a property test holds this to scimmy's own result on generated payloads.
 */
export function coerceCommonUser(body: Json): Json | undefined {
  const out: Json = { schemas: [CORE_USER], meta: { resourceType: 'User' } };
  for (const [key, value] of Object.entries(body)) {
    if (!COMMON.has(key)) return undefined;
    if (key === 'schemas') {
      if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && KNOWN_SCHEMAS.has(s))) return undefined;
      out.schemas = value.includes(CORE_USER) ? [...value] : [CORE_USER, ...value];
    } else if (key === 'meta' || key === 'id') {
      // read-only: scimmy ignores what a client sends for them (a resource read back and sent again carries both)
      if (key === 'id' && typeof value !== 'string') return undefined;
    } else if (key === SEATD_USER) {
      if (!isObject(value) || Object.keys(value).some((k) => k !== 'seatType')) return undefined;
      if (value.seatType !== undefined) {
        if (typeof value.seatType !== 'string' || !SEAT_TYPES.includes(value.seatType as SeatType)) return undefined;
        out[SEATD_USER] = { seatType: value.seatType };
      }
    } else if (key === 'active') {
      if (typeof value !== 'boolean') return undefined;
      out.active = value;
    } else if (key === 'name') {
      const name = commonName(value);
      if (!name) return undefined;
      out.name = name;
    } else if (key === 'emails') {
      const emails = commonEmails(value);
      if (!emails) return undefined;
      out.emails = emails;
    } else if (key === 'roles') {
      if (!Array.isArray(value) || value.length > 0) return undefined;
      out.roles = [];
    } else {
      if (typeof value !== 'string') return undefined;
      out[key] = value;
    }
  }
  if (typeof out.userName !== 'string') return undefined;
  // as scimmy does: an extension's object in the body puts the extension among the schemas
  if (SEATD_USER in body && !(out.schemas as string[]).includes(SEATD_USER)) out.schemas = [...(out.schemas as string[]), SEATD_USER];
  return out;
}

/** scimmy's validation and coercion of a User (core, Enterprise User and seatd extensions), as plain JSON. */
export function coerceWithScimmy(body: Json): Json {
  // the definition's coerce validates the same as a Schemas.User instance, without building property accessors (4x faster)
  return JSON.parse(JSON.stringify(scimmy().Schemas.User.definition.coerce(body, 'in'))) as Json;
}

/** An inbound User as plain JSON: the common shape directly, everything else through scimmy. Throws scimmy's errors. */
export function coerceUser(body: Json): Json {
  return coerceCommonUser(body) ?? coerceWithScimmy(body);
}
