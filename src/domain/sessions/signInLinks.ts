import { committed, type Actor, type DomainContext } from '../context';
import { DomainError } from '../errors';
import { findDomainOwner, findOrg } from '../orgs/orgRepository';
import { createLoginLink } from './sessions';
import { composeSignInLinkMail } from './signInLinkMail';
import { getOidcConnection, getSamlConnection } from '../sso/ssoConnections';

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);

/**
 * Mails a single-use, 15-minute sign-in link to `email` when it is an active member of the org that
 * owns its domain (or of `orgId`, when the caller already knows the org); nobody else gets mail, and
 * the caller answers the same either way. The link is made now; the mail leaves once it is
 * committed, so callers need not wait for it (and so the time to answer tells nothing either).
 */
export async function mailSignInLink(ctx: DomainContext, input: { email: string; orgId?: string; actor: Actor }): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const ownerOfDomain = await findDomainOwner(ctx.db, domainOf(email));
  const org = ownerOfDomain && (!input.orgId || input.orgId === ownerOfDomain) ? await findOrg(ctx.db, ownerOfDomain) : undefined;
  if (!org) return;
  let link: { url: string; expiresAt: string };
  try {
    link = await createLoginLink(ctx, org.id, email, input.actor);
  } catch (err) {
    if (err instanceof DomainError) return;
    throw err;
  }
  await committed(ctx);
  await ctx.mailer.send(composeSignInLinkMail({ to: email, orgName: org.name, link: link.url, expiresAt: link.expiresAt }));
}

/**
 * The org that signs people in through its own IdP, named or found from a work email's verified
 * domain; undefined when there is none or it has no SSO connection.
 */
export async function ssoOrgFor(
  ctx: DomainContext,
  who: { orgId: string } | { email: string },
): Promise<{ id: string; name: string } | undefined> {
  const orgId = 'orgId' in who ? who.orgId : await findDomainOwner(ctx.db, domainOf(who.email.trim().toLowerCase()));
  const org = orgId ? await findOrg(ctx.db, orgId) : undefined;
  if (!org || !((await getSamlConnection(ctx, org.id)) || (await getOidcConnection(ctx, org.id)))) return undefined;
  return { id: org.id, name: org.name };
}
