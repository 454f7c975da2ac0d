import express, { Router } from 'express';
import type { DomainContext } from '../domain/context';
import { DomainError, NotFound } from '../domain/errors';
import { findMember } from '../domain/orgs/memberRepository';
import { consumeLoginLink, endSession, type ActiveSession } from '../domain/sessions/sessions';
import { csrfMatches } from './csrf';
import { clearSessionCookie, signIn } from '../sso/session';
import { sendPage, sendSignedOutPage } from './page';
import { handOffToApplication } from '../op/handOff';
import { endProviderSession } from '../op/providerSession';

/** One-time console sign-in links, the members' welcome page and sign-out (also at the IdP, when the org asks: see idpLogoutUrl). */
export function signInRoutes(
  ctx: DomainContext,
  options: { idpLogoutUrl?: (session: ActiveSession) => Promise<string | undefined> } = {},
): Router {
  const router = Router();

  router.get('/login/:token', async (req, res) => {
    try {
      const who = await consumeLoginLink(ctx, req.params.token as string);
      const member = (await findMember(ctx.db, who.orgId, who.memberId))!;
      const landing = await signIn(ctx, req, res, { orgId: who.orgId, memberId: who.memberId, role: member.role, via: 'login-link' });
      if (await handOffToApplication(ctx, req, res, { memberId: who.memberId })) return;
      res.redirect(303, landing);
    } catch (err) {
      if (err instanceof NotFound)
        return sendPage(res, 401, 'Sign-in link not valid', ['This sign-in link is not valid. Ask for a new one.']);
      if (err instanceof DomainError) return sendPage(res, 401, 'Sign-in link not usable', [err.message, 'Ask for a new one.']);
      throw err;
    }
  });

  router.get('/welcome', (req, res) => {
    if (!req.session) return sendPage(res, 401, 'Sign in first', ["Sign in through your organization's single sign-on."]);
    sendPage(
      res,
      200,
      `Welcome, ${req.session.member.email}`,
      [`You are signed in to ${req.session.orgName} with a ${req.session.member.seatType === 'premium' ? 'Premium' : 'Standard'} seat.`],
      undefined,
      { action: '/logout', csrfToken: req.session.csrfToken, label: 'Sign out' },
    );
  });

  router.post('/logout', express.urlencoded({ extended: false }), async (req, res) => {
    let atIdp: string | undefined;
    if (req.session) {
      if (!csrfMatches(req)) {
        return sendPage(res, 403, 'Form expired', ['Reload the page and sign out again.']);
      }
      // an IdP that cannot be reached must not keep anyone signed in here: the local sign-out goes ahead
      atIdp = await options.idpLogoutUrl?.(req.session).catch(() => undefined);
      await endSession(ctx, req.sessionCookie!);
    }
    await endProviderSession(ctx, req);
    clearSessionCookie(ctx, res);
    if (atIdp) return res.redirect(303, atIdp);
    sendSignedOutPage(res);
  });

  return router;
}
