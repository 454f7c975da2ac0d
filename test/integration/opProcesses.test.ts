import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import request from 'supertest';
import { OPERATOR_TOKEN } from '../support/testApp';
import type { startOidcProvider } from '../support/oidcIdp';
import { oidcConnectedOrg, registerVendorApp } from '../support/opFixtures';
import { startSeatd } from '../support/seatdServer';
import { relyingParty, type RegisteredApp } from '../support/vendorApp';
import { WebBrowser } from '../support/webBrowser';

const ROOT = path.join(__dirname, '..', '..');

/** Several seatd processes on one database serve one sign-in, and agree on the signing keys. */
describe('the OpenID Provider across seatd processes', () => {
  let seatd: Awaited<ReturnType<typeof startSeatd>>;
  let idp: Awaited<ReturnType<typeof startOidcProvider>>;
  let app: RegisteredApp;
  let orgId: string;
  let domain: string;
  const vendorCallback = 'http://vendor.test/callback';
  const atVendor = (u: URL) => u.href.startsWith(vendorCallback);

  beforeEach(async () => {
    seatd = await startSeatd();
    ({ orgId, domain, idp } = await oidcConnectedOrg(seatd));
    app = await registerVendorApp(seatd.app, vendorCallback);
    idp.signInAs(`ada@${domain}`, { email: `ada@${domain}`, email_verified: true });
  });
  afterEach(async () => {
    await idp.close();
    await seatd.close();
  });

  const env = () => ({
    ...process.env,
    LOG_LEVEL: 'info',
    DATABASE_PATH: seatd.ctx.dbFile,
    OUTBOX_DIR: seatd.ctx.outboxDir,
    PUBLIC_URL: seatd.url,
  });

  /** `seatd serve` in a child process on the same database file and PUBLIC_URL, on a port of its own; answers its address. */
  function serveInChild(): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, ['bin/seatd.js', 'serve'], {
      cwd: ROOT,
      env: { ...env(), PORT: '0', HOST: '127.0.0.1', SEATD_OPERATOR_TOKEN: OPERATOR_TOKEN },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`seatd serve exited with ${code}`)));
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (String(entry.msg).startsWith('seatd listening')) resolve({ child, url: `http://127.0.0.1:${entry.port}` });
      });
    });
  }

  it('redeems at a second process a code the first one issued, and that process answers userinfo', async () => {
    const second = await serveInChild();
    try {
      // a load balancer: the application's back-channel calls land on the second process
      const toSecond = (url: string, init: RequestInit) => fetch(url.replace(seatd.url, second.url), init);
      const rp = await relyingParty(seatd.url, app, 'basic', { fetch: toSecond });
      const { url, pending } = await rp.authorize({ organization: orgId });
      const { url: callback } = await new WebBrowser().follow(url, atVendor);
      const tokens = await rp.redeem(callback, pending);
      expect(tokens.claims()).toMatchObject({ email: `ada@${domain}`, org_id: orgId });
      expect(await rp.userinfo(tokens.access_token, tokens.claims()!.sub)).toMatchObject({ email: `ada@${domain}` });
      await expect(rp.redeem(callback, pending)).rejects.toMatchObject({ error: 'invalid_grant' }); // used up for both processes
    } finally {
      second.child.kill('SIGTERM');
    }
  });

  it('rotates the signing keys: new tokens use the new key, older ones verify until the old key is retired', async () => {
    const { createLocalJWKSet, jwtVerify, decodeProtectedHeader } = await import('jose');
    const signIn = async () => {
      // a fresh relying party each time: openid-client caches the JWKS and refetches it only 30 s after a miss
      const rp = await relyingParty(seatd.url, app);
      const { url, pending } = await rp.authorize({ organization: orgId });
      const { url: callback } = await new WebBrowser().follow(url, atVendor);
      return (await rp.redeem(callback, pending)).id_token!;
    };
    const before = await signIn();
    const rotated = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['bin/seatd.js', 'keys', 'rotate'], { cwd: ROOT, env: { ...env(), LOG_LEVEL: 'silent' } }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    const { kids, superseded } = JSON.parse(rotated) as { kids: string[]; superseded: string[] };
    expect(superseded).toContain(decodeProtectedHeader(before).kid);

    const after = await signIn();
    expect(kids).toContain(decodeProtectedHeader(after).kid);
    const jwks = (await request(seatd.app).get('/oidc/jwks').expect(200)).body;
    for (const token of [before, after])
      await expect(jwtVerify(token, createLocalJWKSet(jwks), { issuer: seatd.url })).resolves.toBeTruthy();

    seatd.ctx.clock.advanceDays(2); // past SUPERSEDED_KEY_PUBLISHED_MS
    const later = (await request(seatd.app).get('/oidc/jwks').expect(200)).body as { keys: { kid: string }[] };
    expect(later.keys.map((k) => k.kid).sort()).toEqual([...kids].sort());
  });
});
