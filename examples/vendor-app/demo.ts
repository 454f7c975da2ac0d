/*
 * The whole hand-off on your machine, one command:
 *   npx tsx examples/vendor-app/demo.ts
 * starts the demo IdP (http://localhost:4000) and seatd (http://localhost:3000) as in
 * examples/oidc-demo.ts — org "Demo", domain demo.local, JIT, 3 Standard seats — registers the
 * vendor application with seatd and serves it on http://localhost:4100. Open it, sign in as
 * "ada" (ada@demo.local), and see the org, role and seat seatd hands over; the Premium page stays
 * closed until an owner upgrades the seat. The third person to sign in is refused: "no free seat".
 */
import { registerApp } from '../../src/domain/apps/apps';
import { startOidcDemo } from '../oidc-demo';
import { createVendorApp } from './vendorApp';

const VENDOR = 'http://localhost:4100';

async function main() {
  const { ctx, org, dir } = await startOidcDemo();
  const app = registerApp(
    ctx,
    { name: 'Vendor app', redirectUris: [`${VENDOR}/callback`], postLogoutRedirectUris: [`${VENDOR}/`] },
    'demo',
  );
  const vendor = await createVendorApp({ issuer: ctx.publicUrl, clientId: app.clientId, clientSecret: app.clientSecret, baseUrl: VENDOR });
  vendor.listen(4100, 'localhost');
  process.stdout.write(
    `\nOpen ${VENDOR}, sign in, and type any name at the demo IdP ("ada" is ada@demo.local).\n` +
      `Org ${org.id}; application ${app.clientId}; data in ${dir}. Ctrl-C to stop.\n` +
      `Upgrade a seat: DATABASE_PATH=${dir}/seatd.db npx seatd token create --org ${org.id}, then PATCH /api/v1/orgs/${org.id}/members/{id} {"seatType":"premium"}\n` +
      `(buy a Premium seat first: POST /api/v1/orgs/${org.id}/seats/purchases).\n\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
