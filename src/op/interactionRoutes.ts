import express, { Router, type Request, type Response } from 'express';
import type { default as Provider } from 'oidc-provider';
import type { DomainContext } from '../domain/context';
import { findDomainOwner, findOrg, type OrgRow } from '../domain/orgs/orgRepository';
import { mailSignInLink as sendSignInLink } from '../domain/sessions/signInLinks';
import { getOidcConnection, getSamlConnection } from '../domain/sso/ssoConnections';
import type { Logger } from '../logger';
import { sendPage } from '../web/page';
import { isFresh, rememberPendingSignIn } from './handOff';
import { sendChoicePage, sendLinkSentPage, sendWorkEmailPage } from './pages';
import { INTERACTION_PATH } from './provider';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const emailDomain = (email: string) => email.slice(email.lastIndexOf('@') + 1);
const looksLikeEmail = (v: unknown): v is string => typeof v === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.trim());

/**
 * The provider's interactions: which organization (named by the application, from the login hint,
 * or from the work email the person types), then the org's own sign-in. Consent is implied: the
 * applications are the vendor's own, registered by its operator.
 */
export function interactionRoutes(ctx: DomainContext, logger: Logger, provider: () => Promise<Provider>): Router {
  const router = Router();

  const details = async (req: Request, res: Response): Promise<{ op: Provider; details: Details } | undefined> => {
    const op = await provider();
    try {
      return { op, details: await op.interactionDetails(req, res) };
    } catch {
      sendPage(res, 400, 'Sign-in expired', [
        'This sign-in has expired or was already finished.',
        'Go back to the application and sign in again.',
      ]);
      return undefined;
    }
  };

  router.get(`${INTERACTION_PATH}/:uid`, async (req, res) => {
    const found = await details(req, res);
    if (!found) return;
    if (found.details.prompt.name === 'consent') return consent(req, res, found.op, found.details);
    const { params } = found.details;
    if (typeof params.organization === 'string') {
      const org = await findOrg(ctx.db, params.organization);
      if (!org) {
        return found.op.interactionFinished(req, res, { error: 'invalid_request', error_description: 'unknown organization' });
      }
      return signInToOrg(req, res, found, org, looksLikeEmail(params.login_hint) ? params.login_hint.trim().toLowerCase() : undefined);
    }
    if (looksLikeEmail(params.login_hint)) return fromEmail(req, res, found, params.login_hint.trim().toLowerCase());
    sendWorkEmailPage(res, { action: emailAction(req) });
  });

  router.post(`${INTERACTION_PATH}/:uid/email`, express.urlencoded({ extended: false, limit: '10kb' }), async (req, res) => {
    const found = await details(req, res);
    if (!found) return;
    const email = req.body?.email;
    if (!looksLikeEmail(email))
      return sendWorkEmailPage(res, { action: emailAction(req), status: 400, error: 'Enter your work email address.' });
    const asked = found.details.params.organization;
    if (typeof asked === 'string') {
      // the application named the org; an address outside it gets the same page as anyone else
      const org = await findOrg(ctx.db, asked);
      if (!org || (await findDomainOwner(ctx.db, emailDomain(email.trim().toLowerCase()))) !== org.id)
        return sendLinkSentPage(res, email.trim());
      return signInToOrg(req, res, found, org, email.trim().toLowerCase());
    }
    return fromEmail(req, res, found, email.trim().toLowerCase());
  });

  const emailAction = (req: Request) => `${INTERACTION_PATH}/${req.params.uid as string}/email`;

  async function fromEmail(req: Request, res: Response, found: { op: Provider; details: Details }, email: string) {
    const orgId = await findDomainOwner(ctx.db, emailDomain(email));
    const org = orgId ? await findOrg(ctx.db, orgId) : undefined;
    if (!org) {
      return sendWorkEmailPage(res, {
        action: emailAction(req),
        status: 404,
        email,
        error: `No organization signs in with ${emailDomain(email)} addresses here. Check the address, or ask your administrator which one to use.`,
      });
    }
    return signInToOrg(req, res, found, org, email);
  }

  async function signInToOrg(req: Request, res: Response, found: { op: Provider; details: Details }, org: OrgRow, email?: string) {
    const { details: interaction, op } = found;
    const fresh = isFresh(interaction.prompt.reasons) || interaction.params.max_age !== undefined;
    const session = req.session;
    if (!fresh && session?.orgId === org.id && (!email || email === session.member.email)) {
      // single sign-on: the person is already signed in to seatd, for this org
      return op.interactionFinished(req, res, { login: { accountId: session.member.id } }, { mergeWithLastSubmission: false });
    }
    const methods = [
      (await getSamlConnection(ctx, org.id)) ? { href: `/sso/${org.id}/saml/login`, text: 'Sign in with SAML single sign-on' } : undefined,
      (await getOidcConnection(ctx, org.id)) ? { href: `/sso/${org.id}/oidc/login`, text: 'Sign in with OpenID Connect' } : undefined,
    ].filter((m): m is { href: string; text: string } => Boolean(m));
    rememberPendingSignIn(ctx, res, interaction.uid);
    if (methods.length === 1) return res.redirect(303, methods[0]!.href);
    if (methods.length > 1) return sendChoicePage(res, org.name, methods);
    if (!email) return sendWorkEmailPage(res, { action: emailAction(req), orgName: org.name });
    mailSignInLink(org, email);
    return sendLinkSentPage(res, email);
  }

  /** The mail leaves after the response, so the time to answer does not tell members from strangers. */
  function mailSignInLink(org: OrgRow, email: string) {
    void sendSignInLink(ctx, { email, orgId: org.id, actor: 'app-sign-in' }).catch((err: unknown) =>
      logger.error({ orgId: org.id, err: err instanceof Error ? err.message : String(err) }, 'sign-in link mail failed'),
    );
  }

  async function consent(req: Request, res: Response, op: Provider, interaction: Details) {
    const { accountId } = interaction.session ?? {};
    const clientId = String(interaction.params.client_id);
    const grant = (interaction.grantId ? await op.Grant.find(interaction.grantId) : undefined) ?? new op.Grant({ accountId, clientId });
    const missing = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    return op.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return router;
}
