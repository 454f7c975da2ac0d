import { escapeHtml } from '../escapeHtml';
import type { MailMessage } from '../mail';

/** The mail with a single-use sign-in link, for people whose organization signs in without an identity provider. */
export function composeSignInLinkMail(input: { to: string; orgName: string; link: string; expiresAt: string }): MailMessage {
  const expires = new Date(input.expiresAt).toUTCString();
  const text = [
    `Sign in to ${input.orgName}: ${input.link}`,
    '',
    `The link works once and expires on ${expires}. Open it in the browser where you started signing in.`,
    'If you did not try to sign in, ignore this message.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p><a href="${escapeHtml(input.link)}">Sign in to ${escapeHtml(input.orgName)}</a></p>
<p>The link works once and expires on ${escapeHtml(expires)}. Open it in the browser where you started signing in.</p>
<p style="color:#666">If you did not try to sign in, ignore this message.</p>
</body></html>`;
  return { to: input.to, subject: `Your sign-in link for ${input.orgName}`, text, html };
}
