import type { Request, RequestHandler, Response } from 'express';
import { sendProblem } from './admin/problem';
import type { Logger } from './logger';
import { sendScimError } from './scim/scimError';
import { sendPage } from './web/page';

type Surface = 'api' | 'scim' | 'page';

const CONSOLE_SIGN_IN = '/console/sign-in';

/** Where a failed authentication can happen, and so where guessing is throttled; undefined elsewhere. */
function surfaceOf(path: string): Surface | undefined {
  if (path.startsWith('/api/')) return 'api';
  if (path.startsWith('/scim/')) return 'scim';
  if (/^\/(invite|login)\//.test(path) || /^\/sso\/[^/]+\/(saml\/acs|oidc\/callback)$/.test(path)) return 'page';
  if (path === CONSOLE_SIGN_IN) return 'page';
  return undefined;
}

/**
 * What a failure looks like on each surface: a refused credential (401), or an unknown one-time
 * link (404). Every request for an emailed sign-in link counts: its answer never says whether
 * mail was sent, and each one may send mail.
 */
function failed(surface: Surface, path: string, status: number): boolean {
  if (path === CONSOLE_SIGN_IN) return true;
  return status === 401 || (surface === 'page' && status === 404 && /^\/(invite|login)\//.test(path));
}

function tooMany(surface: Surface, res: Response, retryAfter: number): void {
  res.set('Retry-After', String(retryAfter));
  const detail = `Too many failed authentications from this address; try again in ${retryAfter} seconds`;
  if (surface === 'api') return sendProblem(res, 429, 'too-many-requests', 'Too many requests', detail);
  if (surface === 'scim') return sendScimError(res, 429, undefined, detail);
  sendPage(res, 429, 'Too many attempts', [detail + '.']);
}

/**
 * Limits failed authentications per client address (bearer tokens of the operator, org API and
 * SCIM; invitation and sign-in links; SAML and OIDC answers): past `limit` failures in a window,
 * that address gets 429 with Retry-After, in the surface's shape, until the window ends. Only
 * failures count, so the holder of a real credential elsewhere is never slowed; Okta and Entra
 * back off on 429. Each failure is logged at warn, with no credential in the line. Counts are per
 * process, in memory: with several processes the limit applies in each.
 */
export function failedAuthThrottle(logger: Logger, options: { limit: number; windowMs?: number }): RequestHandler {
  const windowMs = options.windowMs ?? 60_000;
  const clients = new Map<string, { since: number; failures: number }>();
  const forget = (now: number) => {
    for (const [key, entry] of clients) if (now - entry.since >= windowMs) clients.delete(key);
  };
  return (req: Request, res: Response, next) => {
    const surface = surfaceOf(req.path);
    if (!surface) return next();
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const now = Date.now();
    const entry = clients.get(client);
    if (entry && now - entry.since < windowMs && entry.failures >= options.limit) {
      return tooMany(surface, res, Math.max(1, Math.ceil((entry.since + windowMs - now) / 1000)));
    }
    res.on('finish', () => {
      if (!failed(surface, req.path, res.statusCode)) return;
      const at = Date.now();
      const current = clients.get(client);
      if (!current || at - current.since >= windowMs) {
        if (clients.size >= 100_000) forget(at);
        clients.set(client, { since: at, failures: 1 });
      } else current.failures++;
      logger.warn({ client, surface, method: req.method, status: res.statusCode }, 'failed authentication');
    });
    next();
  };
}
