import type { Request } from 'express';
import type { DomainContext } from '../domain/context';
import { readCookie } from '../sso/session';
import { destroyOpRecord } from './opRecords';

/** oidc-provider's cookie naming the browser's session with it (its default name; the value is the session id). */
const PROVIDER_SESSION_COOKIE = '_session';

/**
 * Signing out of seatd also ends the single sign-on to the vendor's applications: the provider's
 * session of this browser is deleted, so the next application asks for a sign-in again. The cookie
 * is the browser's own; an id is a 256-bit secret, so nobody ends a session they do not hold.
 */
export async function endProviderSession(ctx: DomainContext, req: Request): Promise<void> {
  const id = readCookie(req, PROVIDER_SESSION_COOKIE);
  if (id) await destroyOpRecord(ctx, 'Session', id);
}
