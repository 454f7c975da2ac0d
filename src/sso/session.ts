import type { Request, RequestHandler, Response } from 'express';
import type { DomainContext } from '../domain/context';
import { resolveSession, startSession, SESSION_ABSOLUTE_MS, type ActiveSession, type IdpSignIn } from '../domain/sessions/sessions';
import { lowerRole, roleAtLeast } from '../domain/orgs/roles';
import type { Role } from '../domain/seatTypes';

export const SESSION_COOKIE = 'seatd_session';

declare module 'express-serve-static-core' {
  interface Request {
    session?: ActiveSession;
    sessionCookie?: string;
  }
}

/** A cookie's value; a malformed one (bad percent-encoding) counts as absent, like any other unknown cookie. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Attaches the live session, if the browser has one, as req.session. */
export function sessionMiddleware(ctx: DomainContext): RequestHandler {
  return async (req, _res, next) => {
    const cookie = readCookie(req, SESSION_COOKIE);
    if (cookie) {
      req.sessionCookie = cookie;
      req.session = (await resolveSession(ctx, cookie)) ?? undefined;
    }
    next();
  };
}

/** Where a signed-in person lands: the console for admins and above, the welcome page for members. */
export function landingPathFor(role: Role): string {
  return roleAtLeast(role, 'admin') ? '/console' : '/welcome';
}

/**
 * Signs a member in: a fresh server-side session (the one the browser held is ended), in an
 * httpOnly, SameSite=Lax cookie, Secure whenever seatd is served over https.
 */
export async function signIn(
  ctx: DomainContext,
  req: Request,
  res: Response,
  who: { orgId: string; memberId: string; role: Role; via: string; roleCap?: Role } & IdpSignIn,
): Promise<string> {
  const { role: _role, ...session } = who;
  const started = await startSession(ctx, { ...session, previousCookie: req.sessionCookie });
  res.cookie(SESSION_COOKIE, started.cookieValue, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.publicUrl.startsWith('https://'),
    path: '/',
    maxAge: SESSION_ABSOLUTE_MS,
  });
  return landingPathFor(who.roleCap ? lowerRole(who.role, who.roleCap) : who.role);
}

export function clearSessionCookie(ctx: DomainContext, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: ctx.publicUrl.startsWith('https://'), path: '/' });
}
