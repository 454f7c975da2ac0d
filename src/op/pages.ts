import type { Response } from 'express';
import { html, type Html } from '../web/html';
import { sendFormPage, sendPage, type PageLink } from '../web/page';

/*
 * The OpenID Provider's browser pages. Plain outcomes go through the shared page helper; the pages
 * with a form (work email, choice of identity provider, sign-out confirmation) need markup it does
 * not take, and share its look and headers here.
 */

const formPage = (res: Response, status: number, title: string, body: Html) =>
  sendFormPage(res, status, title, body, { formAction: "'self' http: https:" });

/** Home-realm discovery: the work email tells which organization (and so which identity provider) signs the person in. */
export function sendWorkEmailPage(
  res: Response,
  input: { action: string; status?: number; error?: string; email?: string; orgName?: string },
): void {
  formPage(
    res,
    input.status ?? 200,
    'Sign in with your work email',
    html`${input.orgName ? html`<p>${input.orgName} signs in with a link sent to your work email.</p>` : ''}
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      <form method="post" action="${input.action}">
        <label for="email">Work email</label>
        <input id="email" name="email" type="email" autocomplete="email" required value="${input.email ?? ''}" />
        <button type="submit">Continue</button>
      </form>`,
  );
}

/** The org's identity providers as buttons: the same page as the org's own sign-in page (/sso/{org}). */
export function sendChoicePage(res: Response, orgName: string, methods: PageLink[]): void {
  sendPage(res, 200, `Sign in to ${orgName}`, [], methods);
}

/** The same words whether or not the address belongs to a member: the page must not tell who is one. */
export function sendLinkSentPage(res: Response, email: string): void {
  sendPage(res, 200, 'Check your email', [
    `If ${email} may sign in here, a sign-in link is on its way to it. The link works once, for 15 minutes.`,
    'Open it in this browser to continue to the application.',
  ]);
}

export function sendLogoutConfirmPage(res: Response, input: { action: string; xsrf: string; appName?: string }): void {
  const hidden = html`<input type="hidden" name="xsrf" value="${input.xsrf}" />`;
  formPage(
    res,
    200,
    'Sign out',
    html`<p>Sign out of ${input.appName ?? 'the application'} and of seatd?</p>
      <form method="post" action="${input.action}">
        ${hidden}<input type="hidden" name="logout" value="yes" /><button type="submit">Sign out</button>
      </form>
      <form method="post" action="${input.action}">${hidden}<button type="submit">Stay signed in to seatd</button></form>`,
  );
}
