import type { Response } from 'express';
import { html, htmlDocument, type Html } from '../web/html';
import { sendHtml } from '../web/sendHtml';
import { sendPage, type PageLink } from '../web/page';

/*
 * The OpenID Provider's browser pages. Plain outcomes go through the shared page helper; the pages
 * with a form (work email, choice of identity provider, sign-out confirmation) need markup it does
 * not take, and share its look and headers here.
 */

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}h1{font-size:1.5rem}' +
  'input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}button,a.button{font:inherit;display:inline-block;margin:.6rem .4rem .6rem 0;padding:.5rem 1rem;border:1px solid #1b1f23;border-radius:6px;background:#fff;color:#1b1f23;text-decoration:none;cursor:pointer}' +
  '.error{color:#b00020}';

export function sendFormPage(res: Response, status: number, title: string, body: Html): void {
  const page = htmlDocument({
    title,
    style: STYLE,
    body: html`<main>
      <h1>${title}</h1>
      ${body}
    </main>`,
  });
  sendHtml(res, status, page, { formAction: "'self' http: https:" });
}

/** Home-realm discovery: the work email tells which organization (and so which identity provider) signs the person in. */
export function sendWorkEmailPage(
  res: Response,
  input: { action: string; status?: number; error?: string; email?: string; orgName?: string },
): void {
  sendFormPage(
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
  sendFormPage(
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
