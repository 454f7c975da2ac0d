import type * as OpenIdClient from 'openid-client';

export type RegisteredApp = { clientId: string; clientSecret: string; redirectUri: string };

/**
 * The vendor's application as a relying party of seatd, with openid-client: discovery, an
 * authorization request with PKCE (S256), state and nonce, and the code exchange.
 */
export async function relyingParty(
  issuer: string,
  app: RegisteredApp,
  auth: 'basic' | 'post' = 'basic',
  options: { fetch?: (url: string, init: RequestInit) => Promise<Response> } = {},
) {
  const oidc = await import('openid-client');
  const config = await oidc.discovery(
    new URL(issuer),
    app.clientId,
    undefined,
    auth === 'basic' ? oidc.ClientSecretBasic(app.clientSecret) : oidc.ClientSecretPost(app.clientSecret),
    {
      execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks],
      ...(options.fetch ? { [oidc.customFetch]: options.fetch } : {}),
    },
  );
  return {
    oidc,
    config,
    /** The authorization URL to send the browser to, and what the callback needs. */
    async authorize(extra: Record<string, string> = {}) {
      const pending = { codeVerifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: app.redirectUri,
        scope: 'openid email profile organization',
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
        ...extra,
      });
      return { url: url.href, pending };
    },
    redeem(
      callback: URL,
      pending: { codeVerifier: string; state: string; nonce: string },
    ): Promise<OpenIdClient.TokenEndpointResponse & OpenIdClient.TokenEndpointResponseHelpers> {
      return oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    },
    userinfo(accessToken: string, sub: string) {
      return oidc.fetchUserInfo(config, accessToken, sub);
    },
  };
}
