import type { Request, Response } from 'express';
import type { DomainContext } from '../domain/context';
import { findMemberById } from '../domain/orgs/memberRepository';
import { readCookie } from '../sso/session';
import { findOpRecord, replaceOpPayload } from './opRecords';

/*
 * The bridge between a sign-in seatd runs (the org's SAML or OIDC connection, an emailed link) and
 * the application whose authorization request started it. While an application's sign-in is
 * pending, the browser carries this cookie naming the provider's interaction; when the sign-in
 * ends, its outcome is written into that interaction and the browser goes back to the
 * authorization endpoint, which answers the application: a code, or access_denied. Only the
 * browser that started the authorization request can resume it (the provider checks its own cookie).
 */

export const PENDING_SIGN_IN_COOKIE = 'seatd_app_sign_in';
const PENDING_MS = 10 * 60_000;

/**
 * The SAML response comes back as a cross-site POST, which carries a SameSite=Lax cookie only
 * when the IdP is same-site (a local demo over http). Over https the cookie is SameSite=None; Secure.
 */
function cookieOptions(ctx: DomainContext) {
  const https = ctx.publicUrl.startsWith('https://');
  return { httpOnly: true, path: '/', secure: https, sameSite: https ? ('none' as const) : ('lax' as const) };
}

export function rememberPendingSignIn(ctx: DomainContext, res: Response, interactionUid: string): void {
  res.cookie(PENDING_SIGN_IN_COOKIE, interactionUid, { ...cookieOptions(ctx), maxAge: PENDING_MS });
}

export type SignInOutcome = { memberId: string } | { refused: string };

type StoredInteraction = {
  returnTo?: string;
  params?: { organization?: unknown; max_age?: unknown };
  prompt?: { reasons?: string[] };
  result?: unknown;
};

const pendingInteraction = async (ctx: DomainContext, req: Request) => {
  const uid = readCookie(req, PENDING_SIGN_IN_COOKIE);
  return uid ? { uid, interaction: (await findOpRecord(ctx, 'Interaction', uid)) as StoredInteraction | undefined } : undefined;
};

/** Whether the application's request demands that the person authenticate again (prompt=login, max_age), not only hold a session. */
export async function wantsFreshSignIn(ctx: DomainContext, req: Request): Promise<boolean> {
  const interaction = (await pendingInteraction(ctx, req))?.interaction;
  return Boolean(interaction && (isFresh(interaction.prompt?.reasons ?? []) || interaction.params?.max_age !== undefined));
}

export const isFresh = (reasons: readonly string[]) => reasons.includes('login_prompt') || reasons.includes('max_age');

/**
 * Hands a finished sign-in to the application that asked for it, if there is one: answers true
 * when it did (the response is a redirect), false when the sign-in was seatd's own.
 */
export async function handOffToApplication(ctx: DomainContext, req: Request, res: Response, outcome: SignInOutcome): Promise<boolean> {
  const pending = await pendingInteraction(ctx, req);
  if (!pending) return false;
  res.clearCookie(PENDING_SIGN_IN_COOKIE, cookieOptions(ctx));
  const { uid, interaction } = pending;
  if (!interaction?.returnTo) return false;
  await replaceOpPayload(ctx, 'Interaction', uid, { ...interaction, result: await interactionResult(ctx, interaction, outcome) });
  res.redirect(303, interaction.returnTo);
  return true;
}

async function interactionResult(ctx: DomainContext, interaction: StoredInteraction, outcome: SignInOutcome) {
  if ('refused' in outcome) return { error: 'access_denied', error_description: outcome.refused };
  const asked = interaction.params?.organization;
  const member = await findMemberById(ctx.db, outcome.memberId);
  if (typeof asked === 'string' && member?.orgId !== asked) {
    return {
      error: 'access_denied',
      error_description: 'You signed in as a member of another organization than the application asked for.',
    };
  }
  return { login: { accountId: outcome.memberId, ts: Math.floor(Date.now() / 1000) } };
}

/**
 * What the application hears of a refused sign-in: the page's words, led by "no free seat" when
 * that was the reason, in the characters an OAuth error_description may hold (RFC 6749 §5.2).
 */
export function refusal(paragraphs: string[], noFreeSeat: boolean): SignInOutcome {
  const text = `${noFreeSeat ? 'no free seat: ' : ''}${paragraphs.join(' ')}`;
  return { refused: text.replace(/[\u2018\u2019]/g, "'").replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '') };
}
