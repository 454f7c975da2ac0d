import { and, desc, eq, sql } from 'drizzle-orm';
import { signInFailures } from '../../../db/schema';
import { inTransaction, type DomainContext } from '../context';

export type SignInFailureKind = 'saml' | 'oidc' | 'saml-logout';

/** Words an admin recognises, tried in order against the failure's message; the rest is `other`. */
const CATEGORIES: [string, RegExp][] = [
  ['another browser', /another browser/i],
  ['replayed', /already used|replay/i],
  ['unknown InResponseTo', /InResponseTo/i],
  ['state', /\bstate\b/i],
  ['decryption', /decrypt/i],
  ['signature', /signature|signed|JWS|\balg\b/i],
  ['audience', /audience|\baud\b/i],
  ['recipient', /recipient|destination/i],
  ['issuer', /issuer|\biss\b/i],
  ['expired', /expired|NotOnOrAfter|NotBefore|\bexp\b|timestamp/i],
  ['nonce', /nonce/i],
  ['no email', /email/i],
  ['not a member', /not been invited|not provisioned|not a member|deactivated/i],
];

/** What each category means to the IT admin reading the failure list, and what to check. */
const IN_WORDS: Record<string, string> = {
  'another browser': 'The answer came back in another browser than the one that started the sign-in.',
  replayed: 'The same answer was sent twice (a replay, or a double submit); the second was refused.',
  'unknown InResponseTo':
    'The answer was to no sign-in seatd started: IdP-initiated sign-in is off for this connection, or the sign-in took longer than 10 minutes.',
  state: 'The OpenID Connect state did not match a sign-in seatd started (expired, reused, or from another browser).',
  decryption: 'The encrypted assertion could not be decrypted with seatd’s key.',
  signature: 'The signature did not verify with the IdP certificate seatd has: upload the IdP metadata again if its certificate changed.',
  audience: 'The assertion was meant for another service provider: check the Entity ID (Audience URI) in the IdP.',
  recipient: 'The answer was addressed to another URL: check the ACS (Reply) URL in the IdP.',
  issuer: 'The answer came from another issuer than the connected IdP: check the IdP entity ID / issuer.',
  expired: 'The answer had expired or was not yet valid: the clocks differ, or the sign-in page was left open too long.',
  nonce: 'The ID token’s nonce did not match the sign-in seatd started.',
  'no email': 'The IdP sent no email address: map an email attribute (or an email NameID).',
  'not a member': 'The person is not a member here, or is deactivated, and this mode does not create members on sign-in.',
  'no seat': 'No seat of the person’s type was free; their admins were told.',
  other: 'Another reason; the detail says which.',
};

export function failureInWords(category: string): string {
  return IN_WORDS[category] ?? IN_WORDS.other!;
}

/** The category of a failure's message: a small, fixed set, so counting per category bounds the rows. */
export function failureCategory(message: string): string {
  return CATEGORIES.find(([, pattern]) => pattern.test(message))?.[0] ?? 'other';
}

/**
 * Counts a failed, unauthenticated sign-in attempt: one row per org, kind, reason and minute, its
 * count raised by each attempt. Anyone can post a bad SAMLResponse; the append-only audit log
 * must not grow a row per request they send.
 */
export async function recordSignInFailure(
  ctx: DomainContext,
  failure: { orgId: string; kind: SignInFailureKind; message: string },
): Promise<void> {
  const now = ctx.clock.now().toISOString();
  const detail = failure.message.slice(0, 300);
  await inTransaction(ctx, (tx) =>
    tx
      .insert(signInFailures)
      .values({
        orgId: failure.orgId,
        kind: failure.kind,
        reason: failureCategory(failure.message),
        minute: `${now.slice(0, 16)}:00Z`,
        count: 1,
        lastAt: now,
        lastDetail: detail,
      })
      .onConflictDoUpdate({
        target: [signInFailures.orgId, signInFailures.kind, signInFailures.reason, signInFailures.minute],
        set: { count: sql`${signInFailures.count} + 1`, lastAt: now, lastDetail: detail },
      }),
  );
}

export type SignInFailure = { kind: string; reason: string; minute: string; count: number; lastAt: string; lastDetail: string };

/** The org's most recent failures, newest first. */
export async function listSignInFailures(ctx: DomainContext, orgId: string, limit = 50): Promise<SignInFailure[]> {
  return ctx.db
    .select({
      kind: signInFailures.kind,
      reason: signInFailures.reason,
      minute: signInFailures.minute,
      count: signInFailures.count,
      lastAt: signInFailures.lastAt,
      lastDetail: signInFailures.lastDetail,
    })
    .from(signInFailures)
    .where(and(eq(signInFailures.orgId, orgId)))
    .orderBy(desc(signInFailures.lastAt))
    .limit(limit);
}
