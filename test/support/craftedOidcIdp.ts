import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Craft = 'valid' | 'bad-signature' | 'wrong-audience' | 'wrong-issuer' | 'nonce-mismatch' | 'alg-none' | 'expired';

/**
 * An OpenID Provider that speaks the protocol (discovery, JWKS, token endpoint) but issues the
 * ID token the test asks for, so each attack on the relying party can be played for real.
 */
export async function startCraftedOidcIdp(clientId: string) {
  const jose = await import('jose');
  const good = await jose.generateKeyPair('RS256');
  const other = await jose.generateKeyPair('RS256');
  const jwk = { ...(await jose.exportJWK(good.publicKey)), kid: 'good', alg: 'RS256', use: 'sig' };
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state = { craft: 'valid' as Craft, nonce: '', email: '' };

  async function idToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: `sub-${state.email}`,
      email: state.email,
      email_verified: true,
      nonce: state.craft === 'nonce-mismatch' ? 'some-other-nonce' : state.nonce,
    };
    const iss = state.craft === 'wrong-issuer' ? 'http://evil.test' : issuer;
    const aud = state.craft === 'wrong-audience' ? 'another-client' : clientId;
    const [iat, exp] = state.craft === 'expired' ? [now - 7200, now - 3600] : [now, now + 300];
    if (state.craft === 'alg-none') {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss, aud, iat, exp })}.`;
    }
    return new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'good' })
      .setIssuer(iss)
      .setAudience(aud)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(state.craft === 'bad-signature' ? other.privateKey : good.privateKey);
  }

  server.on('request', (req, res) => {
    const json = (body: unknown) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json({
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json({ keys: [jwk] });
    if (url.pathname === '/token' && req.method === 'POST') {
      req.resume();
      req.on('end', () => void idToken().then((id_token) => json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token })));
      return;
    }
    res.statusCode = 404;
    res.end();
  });

  return {
    issuer,
    /** The next token: for this email, answering this nonce, crafted this way. */
    prepare(craft: Craft, email: string, nonce: string) {
      Object.assign(state, { craft, email, nonce });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
