import type { Request, Response } from 'express';
import type { DomainContext } from '../domain/context';
import { DomainError, NoSeatAvailable } from '../domain/errors';
import { findOrg } from '../domain/orgs/orgRepository';
import { admitSsoUser, SignInRefused, type SsoIdentity } from '../domain/provisioning/admission';
import type { IdpSignIn } from '../domain/sessions/sessions';
import { recordSignInFailure } from '../domain/sso/signInFailures';
import { ssoConnectionEditorRole } from '../domain/sso/ssoConnections';
import type { Logger } from '../logger';
import { handOffToApplication, refusal } from '../op/handOff';
import { sendPage } from '../web/page';
import { signIn } from './session';
import { sendSsoTestResult } from './ssoTestPage';

/** The end of a SAML ACS or OIDC callback, the same for both protocols. */
export type SsoKind = 'saml' | 'oidc';

/**
 * A refused SSO sign-in: logged; counted when it is an unauthenticated failure (401, see
 * signInFailures); told to the application whose sign-in it was (access_denied), else a page.
 */
export async function refuseSsoSignIn(
  ctx: DomainContext,
  logger: Logger,
  req: Request,
  res: Response,
  refused: { orgId: string; kind: SsoKind; status: 401 | 403; reason: string; paragraphs: string[] },
): Promise<void> {
  const { orgId, kind, status, reason, paragraphs } = refused;
  logger.warn({ orgId, reason }, `${kind.toUpperCase()} sign-in refused`);
  if (status === 401) await recordSignInFailure(ctx, { orgId, kind, message: reason });
  if (await handOffToApplication(ctx, req, res, refusal(paragraphs, status === 403))) return;
  sendPage(res, status, status === 403 ? 'No free seat' : 'Sign-in failed', paragraphs);
}

/**
 * A refusal during a console "Test sign-in" (see startTestSignIn) is recorded as any failure and
 * shown on the test's result page; outside a test it is refuseSsoSignIn.
 */
export async function refuseSignInOrTest(
  ctx: DomainContext,
  logger: Logger,
  req: Request,
  res: Response,
  refused: Parameters<typeof refuseSsoSignIn>[4] & { test: 'none' | 'test' | 'foreign' },
): Promise<void> {
  const { test, ...rest } = refused;
  if (test === 'none') return refuseSsoSignIn(ctx, logger, req, res, rest);
  await recordSignInFailure(ctx, { orgId: rest.orgId, kind: rest.kind, message: rest.reason });
  sendSsoTestResult(res, { ok: false, reason: rest.reason });
}

/**
 * A verified identity from the org's IdP: admitted through the provisioning engine, signed in with a
 * session capped at the role of the connection's last editor, and sent on to the application that
 * asked (or to the console or welcome page). The engine's refusals end as refuseSsoSignIn.
 */
export async function admitAndSignIn(
  ctx: DomainContext,
  logger: Logger,
  req: Request,
  res: Response,
  signedIn: { orgId: string; kind: SsoKind; identity: SsoIdentity } & IdpSignIn,
): Promise<void> {
  const { orgId, kind, identity, ...idp } = signedIn;
  const refuse = (status: 401 | 403, reason: string, paragraphs: string[]) =>
    refuseSsoSignIn(ctx, logger, req, res, { orgId, kind, status, reason, paragraphs });
  try {
    const { member } = await admitSsoUser(ctx, orgId, identity);
    const landing = await signIn(ctx, req, res, {
      orgId,
      memberId: member.id,
      role: member.role,
      roleCap: await ssoConnectionEditorRole(ctx, orgId, kind),
      via: kind,
      ...idp,
    });
    if (await handOffToApplication(ctx, req, res, { memberId: member.id })) return;
    res.redirect(303, landing);
  } catch (err) {
    if (err instanceof NoSeatAvailable) {
      return refuse(403, 'no seat available', [
        `${(await findOrg(ctx.db, orgId))?.name ?? 'Your organization'} has no free ${err.seatType} seat, so your account could not be created.`,
        'Its administrators have been told; try again once they have added seats.',
      ]);
    }
    if (err instanceof SignInRefused || err instanceof DomainError) return refuse(401, err.message, [err.message]);
    throw err;
  }
}
