import { escapeHtml } from '../escapeHtml';
import type { MailMessage } from '../mail';
import type { Role } from '../seatTypes';

export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/invite/${encodeURIComponent(token)}`;
}

const ROLE_NAMES: Record<Role, string> = { primary_owner: 'primary owner', owner: 'owner', admin: 'admin', member: 'member' };

/** The invitation mail: a plain-text and an HTML part, both with the single-use link and its expiry. */
export function composeInvitationMail(input: { to: string; orgName: string; role: Role; link: string; expiresAt: string }): MailMessage {
  const expires = new Date(input.expiresAt).toUTCString();
  const role = ROLE_NAMES[input.role];
  const text = [
    `You have been invited to join ${input.orgName} as ${role === 'admin' || role === 'owner' ? 'an' : 'a'} ${role}.`,
    '',
    `Accept the invitation: ${input.link}`,
    '',
    `The link works once and expires on ${expires}.`,
    'If you did not expect this invitation, ignore this message.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>You have been invited to join <strong>${escapeHtml(input.orgName)}</strong> as ${escapeHtml(role)}.</p>
<p><a href="${escapeHtml(input.link)}">Accept the invitation</a></p>
<p>The link works once and expires on ${escapeHtml(expires)}.</p>
<p style="color:#666">If you did not expect this invitation, ignore this message.</p>
</body></html>`;
  return { to: input.to, subject: `Your invitation to ${input.orgName}`, text, html };
}
