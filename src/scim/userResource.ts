import type { Member } from '../domain/orgs/members';
import type { ScimUserInput } from '../domain/provisioning/scimProvisioning';
import { SEAT_TYPES, type SeatType } from '../domain/seatTypes';
import { isEmailAddress } from '../domain/validation';
import { ScimError, scimErrorFrom } from './scimError';
import { coerceUser } from './userCoercion';
import { CORE_USER, ENTERPRISE_USER, SEATD_USER } from './userFilter';

type Json = Record<string, unknown>;

/** Attributes seatd answers from its own columns; everything else the IdP sent is kept and echoed. */
const MANAGED = new Set(['schemas', 'id', 'meta', 'userName', 'name', 'displayName', 'active', 'emails', 'externalId', SEATD_USER]);

export function etagOf(member: Pick<Member, 'version'>): string {
  return `W/"${member.version}"`;
}

export function toScimUser(member: Member, baseUrl: string): Json {
  const kept = Object.fromEntries(Object.entries(member.scimAttributes ?? {}).filter(([k]) => !MANAGED.has(k)));
  const storedName = (member.scimAttributes?.name ?? {}) as Json;
  // the emails as the IdP sent them (the sign-in email is one of them); a member the IdP did not send has one, work and primary
  const storedEmails = member.scimAttributes?.emails;
  const name = {
    ...storedName,
    ...(member.givenName ? { givenName: member.givenName } : {}),
    ...(member.familyName ? { familyName: member.familyName } : {}),
  };
  return {
    schemas: [CORE_USER, ...(kept[ENTERPRISE_USER] ? [ENTERPRISE_USER] : []), SEATD_USER],
    id: member.id,
    ...(member.externalId ? { externalId: member.externalId } : {}),
    userName: member.userName,
    ...(Object.keys(name).length ? { name } : {}),
    ...(member.displayName ? { displayName: member.displayName } : {}),
    active: member.holdsSeat,
    emails: Array.isArray(storedEmails) && storedEmails.length ? storedEmails : [{ value: member.email, type: 'work', primary: true }],
    ...kept,
    [SEATD_USER]: { seatType: member.seatType },
    meta: {
      resourceType: 'User',
      created: member.createdAt,
      lastModified: member.updatedAt,
      location: `${baseUrl}/Users/${member.id}`,
      version: etagOf(member),
    },
  };
}

function truthy(v: unknown): unknown {
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return v;
}

/** The User's multi-valued complex attributes, each of whose values may say it is the primary one. */
export const MULTI_VALUED = ['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates'];

/** Values of a multi-valued attribute with Entra's "True"/"False" primary read as a boolean. */
export function withBooleanPrimary(values: unknown[]): unknown[] {
  return values.map((v) => (v && typeof v === 'object' && 'primary' in v ? { ...(v as Json), primary: truthy((v as Json).primary) } : v));
}

/**
 * Evens out what Okta and Entra ID send: booleans as strings ("False"), a manager given as a bare
 * id, dotted keys for extension attributes in no-path PATCH values.
 */
export function normalizeUserPayload(body: Json): Json {
  const out: Json = { ...body };
  if ('active' in out) out.active = truthy(out.active);
  const ent = out[ENTERPRISE_USER];
  if (ent && typeof ent === 'object') {
    const e = { ...(ent as Json) };
    if (typeof e.manager === 'string') e.manager = { value: e.manager };
    out[ENTERPRISE_USER] = e;
  }
  for (const name of MULTI_VALUED) if (Array.isArray(out[name])) out[name] = withBooleanPrimary(out[name]);
  return out;
}

/** The email a member signs in with: the primary one, else the work one, else the first. */
export function signInEmailOf<E extends Json>(emails: readonly E[]): E | undefined {
  return emails.find((e) => e.primary === true) ?? emails.find((e) => String(e.type ?? '').toLowerCase() === 'work') ?? emails[0];
}

/** Validates a User resource against the User schema (see coerceUser) and reads what the engine needs from it. */
export function fromScimUser(body: unknown): ScimUserInput & { raw: Json } {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ScimError(400, 'invalidSyntax', 'The request body must be a SCIM User object');
  const normalized = normalizeUserPayload(body as Json);
  let user: Json;
  try {
    user = coerceUser(normalized);
  } catch (err) {
    throw scimErrorFrom(
      err,
      'The User could not be read; check each attribute against /Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
    );
  }
  const userName = String(user.userName ?? '');
  if (!userName.trim()) throw new ScimError(400, 'invalidValue', 'userName must not be empty');
  const emails = Array.isArray(user.emails) ? (user.emails as Json[]) : [];
  for (const e of emails) {
    if (!isEmailAddress(String(e.value ?? '')))
      throw new ScimError(400, 'invalidValue', `emails: ${JSON.stringify(e.value)} is not an email address`);
  }
  // The member's email: the primary (else work, else first) email the IdP sends, else a userName that is an email (Okta's default).
  const email = String(signInEmailOf(emails)?.value ?? (isEmailAddress(userName) ? userName : ''))
    .trim()
    .toLowerCase();
  if (!isEmailAddress(email)) {
    throw new ScimError(
      400,
      'invalidValue',
      'The user needs an email address (emails[primary] or an email-shaped userName) in one of the organization’s domains',
    );
  }
  const name = (user.name ?? {}) as Json;
  const seatTypeValue = ((user[SEATD_USER] ?? {}) as Json).seatType;
  let seatType: SeatType | undefined;
  if (seatTypeValue !== undefined && seatTypeValue !== null) {
    const lower = String(seatTypeValue).toLowerCase();
    if (!SEAT_TYPES.includes(lower as SeatType))
      throw new ScimError(400, 'invalidValue', `seatType must be one of ${SEAT_TYPES.join(', ')}`);
    seatType = lower as SeatType;
  }
  // seatd has no passwords (people sign in through SSO): one sent by the IdP is dropped, never stored.
  const { meta: _meta, schemas: _schemas, password: _password, ...raw } = user;
  return {
    userName,
    email,
    active: user.active === undefined ? true : user.active === true,
    seatType,
    givenName: (name.givenName as string | undefined) ?? null,
    familyName: (name.familyName as string | undefined) ?? null,
    displayName: (user.displayName as string | undefined) ?? null,
    externalId: (user.externalId as string | undefined) ?? ((body as Json).externalId as string | undefined) ?? null,
    scimAttributes: raw,
    raw,
  };
}

/** Keeps only the attributes asked for (or drops the excluded ones) of a User or Group; id and schemas always stay. */
export function project(resource: Json, attributes?: string, excluded?: string): Json {
  const list = (s?: string) =>
    s
      ? s
          .split(',')
          .map((a) => a.trim().toLowerCase())
          .filter(Boolean)
      : [];
  // a core schema's URN may prefix its attributes (`urn:…:core:2.0:Group:displayName`)
  const strip = (key: string) => key.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/, '');
  const wanted = list(attributes).map(strip);
  const unwanted = list(excluded).map(strip);
  if (!wanted.length && !unwanted.length) return resource;
  const keep = (key: string) => {
    const k = key.toLowerCase();
    if (k === 'id' || k === 'schemas') return true;
    if (wanted.length) return wanted.some((w) => w === k || w.startsWith(`${k}.`) || w.startsWith(`${k}:`));
    return !unwanted.includes(k);
  };
  return Object.fromEntries(Object.entries(resource).filter(([k]) => keep(k)));
}
