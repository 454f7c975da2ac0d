/*
 * Sign in to seatd through OpenID Connect on your own machine, in a browser:
 *   npx tsx examples/oidc-demo.ts
 * It starts a real OpenID Provider (oidc-provider, with its development login page) and a seatd of
 * its own with a throw-away database, each on a free port of localhost (so it runs beside a seatd
 * you already started), creates the org "Demo" (domain demo.local, JIT, 3 Standard seats) and prints
 * the URL to open. Sign in with any name: "ada" becomes ada@demo.local. The third person is refused
 * with the no-free-seat page: the primary owner's invitation holds one of the three seats.
 * Ctrl-C stops both and deletes the throw-away folder.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app';
import { openDomainContext } from '../src/composition';
import { createOrg } from '../src/domain/onboarding/onboarding';
import { setOidcConnection } from '../src/domain/sso/ssoConnections';
import { createLogger } from '../src/logger';

/** A server on a free port of localhost, listening before anything needs its URL. */
async function listenOnFreePort(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, 'localhost', resolve);
  });
  return { server, url: `http://localhost:${(server.address() as AddressInfo).port}` };
}

/**
 * seatd and the demo IdP, started side by side on free ports; answers the domain context, the org
 * and the data folder. Ctrl-C (or a failed start) closes both and deletes the folder.
 */
export async function startOidcDemo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-demo-'));
  const servers: http.Server[] = [];
  const cleanUp = () => {
    for (const server of servers) server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(0);
    });
  }
  try {
    const seatd = await listenOnFreePort();
    const idp = await listenOnFreePort();
    servers.push(seatd.server, idp.server);

    const logger = createLogger('info');
    const ctx = openDomainContext(
      {
        databasePath: path.join(dir, 'seatd.db'),
        publicUrl: seatd.url,
        smtpUrl: undefined,
        mailFrom: 'seatd <demo@localhost>',
        outboxDir: path.join(dir, 'outbox'),
      },
      logger,
    );
    const org = await createOrg(
      ctx,
      {
        name: 'Demo',
        domains: ['demo.local'],
        primaryOwnerEmail: 'owner@demo.local',
        primaryOwnerName: { givenName: 'Demo', familyName: 'Owner' },
        provisioningMode: 'jit',
        contract: {
          termStart: new Date().toISOString().slice(0, 10),
          currency: 'USD',
          prices: { standard: 36000, premium: 72000 },
          seats: { standard: 3, premium: 0 },
        },
      },
      'demo',
    );

    const { default: Provider } = await import('oidc-provider');
    const provider = new Provider(idp.url, {
      clients: [
        {
          client_id: 'seatd-demo',
          client_secret: 'seatd-demo-secret',
          redirect_uris: [`${seatd.url}/sso/${org.id}/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name'] },
      findAccount: async (_ctx, id) => ({
        accountId: id,
        claims: async () => ({
          sub: id,
          email: id.includes('@') ? id : `${id}@demo.local`,
          email_verified: true,
          given_name: id.split('@')[0],
        }),
      }),
      cookies: { keys: ['seatd-demo-cookie-key'] },
    });
    const handle = provider.callback();
    idp.server.on('request', (req, res) => void handle(req, res));
    await setOidcConnection(
      ctx,
      org.id,
      { issuer: idp.url, clientId: 'seatd-demo', clientSecret: 'seatd-demo-secret' },
      { actor: 'demo', role: 'owner' },
    );
    seatd.server.on(
      'request',
      createApp({ ctx, config: { operatorToken: undefined, publicUrl: seatd.url, outboundAllowPrivateNetworks: true }, logger }),
    );
    return { ctx, org, dir };
  } catch (err) {
    cleanUp();
    throw err;
  }
}

if (require.main === module) {
  startOidcDemo().then(
    ({ ctx, org, dir }) =>
      process.stdout.write(
        `\nOpen ${ctx.publicUrl}/sso/${org.id}/oidc/login and sign in with any name.\n` +
          `Org ${org.id}; data in ${dir} (deleted when you stop). Ctrl-C to stop.\n\n`,
      ),
    (err) => {
      process.stderr.write(`oidc-demo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
