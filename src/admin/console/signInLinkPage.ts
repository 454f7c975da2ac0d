import express, { Router, type Request, type Response } from 'express';
import type { DomainContext } from '../../domain/context';
import { mailSignInLink, ssoOrgFor } from '../../domain/sessions/signInLinks';
import type { Logger } from '../../logger';
import { html } from '../../web/html';
import { sendFormPage, sendPage } from '../../web/page';

/** The form the console shows a signed-out visitor; `?org=` (a link an owner bookmarked) adds that org's SSO button. */
export async function sendSignedOutConsole(ctx: DomainContext, req: Request, res: Response, status = 200, error?: string): Promise<void> {
  const orgId = typeof req.query.org === 'string' ? req.query.org : undefined;
  const org = orgId ? await ssoOrgFor(ctx, { orgId }) : undefined;
  sendFormPage(
    res,
    status,
    'Sign in to the console',
    html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      ${org ? html`<p><a class="button" href="/sso/${org.id}">Sign in with ${org.name}’s SSO</a></p>` : ''}
      <form method="post" action="/console/sign-in">
        <label for="email">Work email</label>
        <input id="email" name="email" type="email" autocomplete="email" required />
        <button type="submit" name="via" value="link">Email me a sign-in link</button>
        <button type="submit" name="via" value="sso">Sign in with your organization’s SSO</button>
      </form>
      <p>The link works once, for 15 minutes. Owners can always sign in this way, whatever their identity provider does.</p>`,
  );
}

const looksLikeEmail = (v: unknown): v is string => typeof v === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.trim()) && v.length <= 320;

/**
 * Signing in to the console without the operator: an emailed link (the same answer whether or not
 * the address belongs to a member; every request counts against the failed-authentication
 * throttle, see authThrottle.ts) or the org's SSO, found from the email's verified domain.
 */
export function signInLinkRoutes(ctx: DomainContext, logger: Logger): Router {
  const router = Router();
  router.post('/console/sign-in', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const email = req.body?.email;
    if (!looksLikeEmail(email)) return sendSignedOutConsole(ctx, req, res, 400, 'Enter your work email address.');
    if (req.body?.via === 'sso') {
      const org = await ssoOrgFor(ctx, { email });
      if (org) return res.redirect(303, `/sso/${org.id}`);
      return sendSignedOutConsole(
        ctx,
        req,
        res,
        404,
        'No single sign-on is set up for the organization of this address. Ask for an emailed sign-in link instead.',
      );
    }
    void mailSignInLink(ctx, { email, actor: 'console-sign-in' }).catch((err: unknown) =>
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'console sign-in link mail failed'),
    );
    sendPage(
      res,
      200,
      'Check your email',
      [
        `If ${email.trim()} may sign in to a seatd console, a sign-in link is on its way to it.`,
        'The link works once, for 15 minutes. Open it in this browser.',
      ],
      { href: '/console', text: 'Back to sign-in' },
    );
  });
  return router;
}
