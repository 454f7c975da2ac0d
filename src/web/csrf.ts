import type { NextFunction, Request, Response } from 'express';
import { digestsEqual, sha256Hex } from '../domain/ids';
import { sendPage } from './page';

/**
 * Whether a cookie-authenticated write echoes its session's synchronizer token, from a form's
 * `_csrf` field or the `X-CSRF-Token` header. SameSite=Lax cookies are the second line.
 */
export function csrfMatches(req: Request): boolean {
  const fromForm = typeof req.body?._csrf === 'string' ? (req.body._csrf as string) : undefined;
  const sent = fromForm ?? req.get('x-csrf-token') ?? '';
  return Boolean(req.session && sent && digestsEqual(sha256Hex(sent), sha256Hex(req.session.csrfToken)));
}

/** For browser forms: a write without the session's token gets a page saying to reload. */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  if (csrfMatches(req)) return next();
  sendPage(res, 403, 'Form expired', ['This form could not be verified. Go back, reload the page and try again.'], {
    href: '/console',
    text: 'Back to the console',
  });
}
