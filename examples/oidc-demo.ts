/*
 * Sign in to seatd through OpenID Connect on your own machine, in a browser:
 *   npx tsx examples/oidc-demo.ts
 * It starts a real OpenID Provider (oidc-provider, with its development login page) on
 * http://localhost:4000 and seatd on http://localhost:3000 with a throw-away database, creates the
 * org "Demo" (domain demo.local, JIT, 3 Standard seats) and prints the URL to open. Sign in with
 * any name: "ada" becomes ada@demo.local. The third person is refused with the no-free-seat page:
 * the primary owner's invitation holds one of the three seats.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app';
import { openDomainContext } from '../src/composition';
import { createOrg } from '../src/domain/orgs/orgs';
import { setOidcConnection } from '../src/domain/sso/ssoConnections';
import { createLogger } from '../src/logger';

const SEATD = 'http://localhost:3000';
const IDP = 'http://localhost:4000';

/** seatd and the demo IdP, started side by side; answers the domain context, the org and the data folder. */
export async function startOidcDemo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-demo-'));
  const logger = createLogger('info');
  const ctx = openDomainContext(
    {
      databasePath: path.join(dir, 'seatd.db'),
      publicUrl: SEATD,
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
  const provider = new Provider(IDP, {
    clients: [
      {
        client_id: 'seatd-demo',
        client_secret: 'seatd-demo-secret',
        redirect_uris: [`${SEATD}/sso/${org.id}/oidc/callback`],
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
  provider.listen(4000);
  setOidcConnection(
    ctx,
    org.id,
    { issuer: IDP, clientId: 'seatd-demo', clientSecret: 'seatd-demo-secret' },
    { actor: 'demo', role: 'owner' },
  );
  createApp({ ctx, config: { operatorToken: undefined, publicUrl: SEATD, outboundAllowPrivateNetworks: true }, logger }).listen(
    3000,
    'localhost',
  );

  return { ctx, org, dir };
}

if (require.main === module) {
  startOidcDemo().then(
    ({ org, dir }) =>
      process.stdout.write(
        `\nOpen ${SEATD}/sso/${org.id}/oidc/login and sign in with any name.\n` + `Org ${org.id}; data in ${dir}. Ctrl-C to stop.\n\n`,
      ),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
