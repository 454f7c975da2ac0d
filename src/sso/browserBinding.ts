import type { Request, Response } from 'express';
import { digestsEqual, newSecret, sha256Hex } from '../domain/ids';
import { readCookie } from './session';

/**
 * Binds an SSO sign-in to the browser that started it (login CSRF, RFC 9700 §4.7.1): starting a
 * sign-in sets a short-lived, HttpOnly cookie, the request's state (OIDC) or request id (SAML) is
 * stored with the cookie's hash, and the answer is accepted only from a browser presenting it. A
 * finished callback URL or a captured SAMLResponse replayed in another browser signs nobody in.
 */
export const SIGN_IN_COOKIE = 'seatd_signin';
const LIFETIME_MS = 10 * 60_000;

function cookieOptions(publicUrl: string) {
  const https = publicUrl.startsWith('https://');
  // A SAML answer arrives as a cross-site POST, which carries only SameSite=None cookies (https only).
  // On plain http (a local demo) the IdP is on the same site, where Lax cookies are sent.
  return { httpOnly: true, secure: https, sameSite: https ? ('none' as const) : ('lax' as const), path: '/sso', maxAge: LIFETIME_MS };
}

/** Sets (or keeps) this browser's sign-in cookie and answers its hash, to store with the request. */
export function bindBrowser(req: Request, res: Response, publicUrl: string): string {
  const current = readCookie(req, SIGN_IN_COOKIE);
  const value = current && /^[A-Za-z0-9_-]{20,100}$/.test(current) ? current : newSecret();
  res.cookie(SIGN_IN_COOKIE, value, cookieOptions(publicUrl));
  return sha256Hex(value);
}

/** The hash of the sign-in cookie this browser presents, if any. */
export function presentedBrowser(req: Request): string | undefined {
  const value = readCookie(req, SIGN_IN_COOKIE);
  return value ? sha256Hex(value) : undefined;
}

/**
 * A "Test sign-in" from the console: its own cookie, and a RelayState carrying the cookie's hash, so
 * the answer shows the attributes received (and signs nobody in) only in the browser of the owner
 * who started the test; a RelayState naming a test without that cookie is refused.
 */
const TEST_COOKIE = 'seatd_ssotest';
const TEST_RELAY_PREFIX = 'seatd-test:';

export function startTestSignIn(res: Response, publicUrl: string): string {
  const value = newSecret();
  res.cookie(TEST_COOKIE, value, cookieOptions(publicUrl));
  return `${TEST_RELAY_PREFIX}${sha256Hex(value)}`;
}

/** `none`: an ordinary sign-in; `test`: this browser's test; `foreign`: a test RelayState this browser did not start. */
export function testSignInOf(req: Request, relayState: unknown): 'none' | 'test' | 'foreign' {
  if (typeof relayState !== 'string' || !relayState.startsWith(TEST_RELAY_PREFIX)) return 'none';
  const cookie = readCookie(req, TEST_COOKIE);
  return cookie && digestsEqual(sha256Hex(cookie), relayState.slice(TEST_RELAY_PREFIX.length)) ? 'test' : 'foreign';
}
