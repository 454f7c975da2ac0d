import crypto from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import type * as OpenIdClient from 'openid-client';

/*
 * A vendor's application that signs people in through seatd, its OpenID Provider, with
 * openid-client: authorization code flow with PKCE, state and nonce; the ID token says who signed
 * in, for which org, with which role and seat. The Premium page asks seatd's userinfo (as of now),
 * so a seat upgraded after sign-in opens it without signing in again.
 */

export type VendorAppOptions = {
  /** seatd's PUBLIC_URL. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where this app is reached; the redirect URI registered with seatd is `${baseUrl}/callback`. */
  baseUrl: string;
  /** An org id to name in every authorization request; without it seatd asks for the work email. */
  organization?: string;
};

type SignedIn = { claims: Record<string, unknown>; accessToken: string; idToken: string };
type Visitor = { pending?: { state: string; nonce: string; codeVerifier: string }; signedIn?: SignedIn };

const escape = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Vendor app</title>` +
        `<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}dt{font-weight:600}</style></head>` +
        `<body><h1>${escape(title)}</h1>${body}</body></html>`,
    );
}

export async function createVendorApp(options: VendorAppOptions): Promise<Express> {
  const oidc = await import('openid-client');
  const loopback = ['localhost', '127.0.0.1'].includes(new URL(options.issuer).hostname);
  const config: OpenIdClient.Configuration = await oidc.discovery(
    new URL(options.issuer),
    options.clientId,
    options.clientSecret,
    undefined,
    {
      execute: [oidc.enableNonRepudiationChecks, ...(loopback ? [oidc.allowInsecureRequests] : [])],
    },
  );
  const redirectUri = `${options.baseUrl}/callback`;
  const visitors = new Map<string, Visitor>(); // a demo keeps its sessions in memory

  const visitor = (req: Request, res: Response): Visitor => {
    const id = /(?:^|;\s*)vendor_session=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
    if (id && visitors.has(id)) return visitors.get(id)!;
    const fresh = crypto.randomBytes(24).toString('base64url');
    visitors.set(fresh, {});
    res.cookie('vendor_session', fresh, { httpOnly: true, sameSite: 'lax', path: '/' });
    return visitors.get(fresh)!;
  };

  const app = express();
  app.get('/', (req, res) => {
    const { signedIn } = visitor(req, res);
    if (!signedIn) return page(res, 200, 'Vendor app', '<p><a href="/login">Sign in with your company account</a></p>');
    const c = signedIn.claims;
    page(
      res,
      200,
      `Hello, ${String(c.name ?? c.email)}`,
      `<dl><dt>Email</dt><dd>${escape(c.email)}</dd><dt>Organization</dt><dd>${escape(c.org_name)} (${escape(c.org_id)})</dd>` +
        `<dt>Role</dt><dd>${escape(c.role)}</dd><dt>Seat</dt><dd id="seat">${escape(c.seat_type)}</dd>` +
        `<dt>Groups</dt><dd>${escape((c.groups as string[] | undefined)?.join(', ') || '—')}</dd></dl>` +
        '<p><a href="/premium">Premium feature</a> · <a href="/logout">Sign out</a></p>',
    );
  });

  app.get('/login', async (req, res) => {
    const v = visitor(req, res);
    v.pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const email = typeof req.query.email === 'string' ? req.query.email : undefined;
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile organization',
      code_challenge: await oidc.calculatePKCECodeChallenge(v.pending.codeVerifier),
      code_challenge_method: 'S256',
      state: v.pending.state,
      nonce: v.pending.nonce,
      ...(options.organization ? { organization: options.organization } : {}),
      ...(email ? { login_hint: email } : {}),
    });
    res.redirect(303, url.href);
  });

  app.get('/callback', async (req, res) => {
    const v = visitor(req, res);
    const pending = v.pending;
    v.pending = undefined;
    if (typeof req.query.error === 'string') {
      return page(
        res,
        403,
        'You could not be signed in',
        `<p>${escape(req.query.error_description ?? req.query.error)}</p><p><a href="/">Back</a></p>`,
      );
    }
    if (!pending) return page(res, 400, 'Sign-in expired', '<p><a href="/login">Sign in again</a></p>');
    try {
      const tokens = await oidc.authorizationCodeGrant(config, new URL(req.originalUrl, options.baseUrl), {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      v.signedIn = { claims: tokens.claims() as Record<string, unknown>, accessToken: tokens.access_token, idToken: tokens.id_token! };
      res.redirect(303, '/');
    } catch (err) {
      page(res, 401, 'Sign-in failed', `<p>${escape(err instanceof Error ? err.message : err)}</p>`);
    }
  });

  app.get('/premium', async (req, res) => {
    const { signedIn } = visitor(req, res);
    if (!signedIn) return res.redirect(303, '/login');
    // the seat as of now, not as of sign-in: an upgrade takes effect at once
    const now = await oidc.fetchUserInfo(config, signedIn.accessToken, String(signedIn.claims.sub)).catch(() => undefined);
    if (!now) return page(res, 401, 'Sign in again', '<p>Your sign-in is no longer valid. <a href="/login">Sign in</a></p>');
    if (now.seat_type !== 'premium') {
      return page(
        res,
        403,
        'Premium feature',
        '<p>This page needs a Premium seat. Ask an owner of your organization to upgrade your seat.</p>',
      );
    }
    page(res, 200, 'Premium feature', `<p>Welcome to the Premium feature, ${escape(now.email)}.</p><p><a href="/">Back</a></p>`);
  });

  app.get('/logout', (req, res) => {
    const v = visitor(req, res);
    const idToken = v.signedIn?.idToken;
    v.signedIn = undefined;
    if (!idToken) return res.redirect(303, '/');
    res.redirect(303, oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: `${options.baseUrl}/` }).href);
  });

  return app;
}
