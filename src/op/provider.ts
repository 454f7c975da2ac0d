import type { Request, Response } from 'express';
import type { default as Provider, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { DomainContext } from '../domain/context';
import type { Logger } from '../logger';
import { clientSecretMatches, recordAppSignIn } from '../domain/apps/apps';
import { endSession, resolveSession } from '../domain/sessions/sessions';
import { readCookie, SESSION_COOKIE } from '../sso/session';
import { sendPage, sendSignedOutPage } from '../web/page';
import { databaseAdapter } from './adapter';
import { currentClaims, SCOPE_CLAIMS } from './claims';
import { findMemberById } from '../domain/orgs/memberRepository';
import { sendLogoutConfirmPage } from './pages';
import { cookieKeys, publishedSigningKeys } from './signingKeys';

/** oidc-provider is ESM-only; it is loaded on first use (see docs/design/sso.md). */
let oidcProvider: Promise<typeof import('oidc-provider')> | undefined;
const loadOidcProvider = () => (oidcProvider ??= import('oidc-provider'));

/** Where the provider's endpoints live under the issuer; discovery is at the issuer's /.well-known/openid-configuration. */
export const OP_ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/userinfo',
  jwks: '/oidc/jwks',
  end_session: '/oidc/logout',
  revocation: '/oidc/revoke',
  pushed_authorization_request: '/oidc/par',
} as const;

export const INTERACTION_PATH = '/oidc/interaction';

/** Lifetimes, in seconds. A code is redeemed within a minute of the sign-in, so the ID token's claims are the sign-in's. */
const TTL = {
  AuthorizationCode: 60,
  IdToken: 3600,
  AccessToken: 3600,
  Interaction: 600,
  Session: 24 * 3600,
  Grant: 14 * 24 * 3600,
  RefreshToken: 14 * 24 * 3600,
};

/** Express's response: the provider is mounted in Express, so Koa's ctx.res is it. */
const expressResponse = (ctx: KoaContextWithOIDC) => ctx.res as unknown as Response;

async function configuration(ctx: DomainContext, oidc: typeof import('oidc-provider')): Promise<Configuration> {
  const keys = await publishedSigningKeys(ctx);
  return {
    adapter: databaseAdapter(ctx),
    clients: [],
    findAccount: async (_ctx, id) => {
      const claims = await currentClaims(ctx, id);
      // a member who is gone or deactivated has no account: no code, no token refresh, userinfo 401
      return claims ? { accountId: id, claims: async () => claims } : undefined;
    },
    claims: Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    scopes: ['openid', 'email', 'profile', 'organization', 'offline_access'],
    // the organization claims are what applications come for: they go in the ID token too, not only at userinfo
    conformIdTokenClaims: false,
    extraParams: ['organization'],
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'], userinfoSigningAlgValues: ['RS256', 'ES256'] },
    responseTypes: ['code'],
    jwks: { keys: keys as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: await cookieKeys(ctx), long: { signed: true }, short: { signed: true } },
    routes: OP_ROUTES,
    ttl: TTL,
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`, policy: interactionPolicy(ctx, oidc) },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (koa, form) => {
          koa.respond = false;
          const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
          sendLogoutConfirmPage(expressResponse(koa), {
            action: OP_ROUTES.end_session + '/confirm',
            xsrf,
            ...(koa.oidc.client?.clientName ? { appName: koa.oidc.client.clientName } : {}),
          });
        },
        postLogoutSuccessSource: async (koa) => {
          koa.respond = false;
          sendSignedOutPage(expressResponse(koa));
        },
      },
    },
    renderError: async (koa, out) => {
      koa.respond = false;
      const description = out.error === 'server_error' ? 'Something went wrong on our side. Try again in a moment.' : out.error_description;
      sendPage(expressResponse(koa), koa.status, 'Sign-in could not continue', [
        String(description ?? out.error),
        'Go back to the application and start signing in again.',
      ]);
    },
  };
}

/**
 * The provider's prompts, plus two reasons to sign in again although the browser has a session with
 * the provider: its member is gone or deactivated (no code for them), or the application asks for
 * another organization than the member's.
 */
function interactionPolicy(ctx: DomainContext, oidc: typeof import('oidc-provider')) {
  const { Check, base } = oidc.interactionPolicy;
  const policy = base();
  const login = policy.get('login')!;
  login.checks.add(
    new Check('account_unavailable', 'the signed-in member is gone or deactivated', (koa) =>
      Boolean(koa.oidc.session?.accountId && !koa.oidc.account),
    ),
  );
  login.checks.add(
    new Check('other_organization', 'the application asked for another organization', async (koa) => {
      const asked = koa.oidc.params?.organization;
      const accountId = koa.oidc.account?.accountId;
      return typeof asked === 'string' && accountId !== undefined && (await findMemberById(ctx.db, accountId))?.orgId !== asked;
    }),
  );
  return policy;
}

const SIGNED_OUT = 'seatdSignedOut';

/** Builds a provider over the keys in the database now. */
export async function createProvider(ctx: DomainContext, logger: Logger): Promise<Provider> {
  const oidc = await loadOidcProvider();
  const provider = new oidc.default(ctx.publicUrl, await configuration(ctx, oidc));
  provider.proxy = true;
  // Client secrets are stored as SHA-256 digests: the provider compares what a client presents to the digest.
  const clientPrototype = provider.Client.prototype as unknown as {
    compareClientSecret(this: { clientSecret: string }, presented: string): boolean;
  };
  clientPrototype.compareClientSecret = function (presented) {
    return clientSecretMatches(this.clientSecret, presented);
  };
  provider.on('server_error', (_koa, err) => logger.error({ err }, 'OpenID Provider error'));
  // the provider's events do not wait for their listeners: a failure is logged, not left unhandled
  const listen = (event: string, listener: (koa: KoaContextWithOIDC) => Promise<void>) =>
    provider.on(event as never, (koa: KoaContextWithOIDC) => {
      listener(koa).catch((err: unknown) => logger.error({ err, event }, 'OpenID Provider event handling failed'));
    });
  listen('authorization.success', async (koa) => {
    const accountId = koa.oidc.session?.accountId;
    if (accountId && koa.oidc.client) await recordAppSignIn(ctx, accountId, koa.oidc.client.clientId);
  });
  // Signing out of every application (RP-initiated logout, confirmed) ends the seatd session of this browser too, when
  // it is the same person's: switching to another account also passes here, after the new account's seatd sign-in.
  // The event only notes it: events are not awaited, and the session must end (and its cookie be cleared) before the
  // response leaves, which the middleware below waits for.
  provider.on('end_session.success', (koa: KoaContextWithOIDC) => {
    const cookie = readCookie(koa.req as unknown as Request, SESSION_COOKIE);
    if (koa.oidc.params?.logout && cookie) koa.state[SIGNED_OUT] = { cookie, accountId: koa.oidc.session?.accountId };
  });
  provider.use(async (koa, next) => {
    await next();
    const signedOut = koa.state[SIGNED_OUT] as { cookie: string; accountId?: string } | undefined;
    if (!signedOut) return;
    if ((await resolveSession(ctx, signedOut.cookie))?.member.id !== signedOut.accountId) return;
    await endSession(ctx, signedOut.cookie);
    koa.cookies.set(SESSION_COOKIE, null, { path: '/', httpOnly: true, sameSite: 'lax', signed: false });
  });
  return provider;
}
