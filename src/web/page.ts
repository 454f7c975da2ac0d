import type { Response } from 'express';
import { html, htmlDocument, type Html } from './html';
import { sendHtml } from './sendHtml';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}h1{font-size:1.5rem}' +
  'a.button{display:block;margin:.6rem 0;padding:.7rem 1rem;border:1px solid #1b1f23;border-radius:6px;text-decoration:none;color:#1b1f23}';

export type PageLink = { href: string; text: string };

/**
 * A small, readable page for people in a browser (invitations, sign-in outcomes, errors): a title,
 * paragraphs, then a link (or several, shown as buttons) and an optional one-button form.
 */
export function sendPage(
  res: Response,
  status: number,
  title: string,
  paragraphs: string[],
  link?: PageLink | PageLink[],
  button?: { action: string; csrfToken: string; label: string },
): void {
  const links = Array.isArray(link) ? link : link ? [link] : [];
  const body = html`<main>
    <h1>${title}</h1>
    ${paragraphs.map((p) => html`<p>${p}</p>`)}
    ${
      Array.isArray(link)
        ? links.map((l) => html`<a class="button" href="${l.href}">${l.text}</a>`)
        : links.map((l) => html`<p><a href="${l.href}">${l.text}</a></p>`)
    }
    ${
      button
        ? html`<form method="post" action="${button.action}">
            <input type="hidden" name="_csrf" value="${button.csrfToken}" /><button type="submit">${button.label}</button>
          </form>`
        : ''
    }
  </main>`;
  sendHtml(res, status, htmlDocument({ title, style: STYLE, body }));
}

const FORM_STYLE =
  STYLE +
  'input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}button,a.button{font:inherit;display:inline-block;margin:.6rem .4rem .6rem 0;padding:.5rem 1rem;border:1px solid #1b1f23;border-radius:6px;background:#fff;color:#1b1f23;text-decoration:none;cursor:pointer}' +
  '.error{color:#b00020}';

/**
 * The same small page with a form of its own (a work email, a choice of identity provider).
 * `formAction` as sendHtml's: where its forms may lead beyond seatd.
 */
export function sendFormPage(res: Response, status: number, title: string, body: Html, options: { formAction?: string } = {}): void {
  const page = htmlDocument({
    title,
    style: FORM_STYLE,
    body: html`<main>
      <h1>${title}</h1>
      ${body}
    </main>`,
  });
  sendHtml(res, status, page, options);
}

/** The page after a sign-out, wherever it ended (here, at the IdP, or both). */
export function sendSignedOutPage(res: Response): void {
  sendPage(res, 200, 'Signed out', ['You are signed out.']);
}
