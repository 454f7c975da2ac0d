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
import { createToken } from '../../src/domain/orgs/tokens';
import { startOidcDemo } from '../oidc-demo';
import { createVendorApp } from './vendorApp';

const VENDOR = 'http://localhost:4100';

async function main() {
  const { ctx, org, dir } = await startOidcDemo();
  const app = await registerApp(
    ctx,
    { name: 'Vendor app', redirectUris: [`${VENDOR}/callback`], postLogoutRedirectUris: [`${VENDOR}/`] },
    'demo',
  );
  const owner = await createToken(ctx, org.id, { kind: 'api', role: 'owner', label: 'demo' }, { actor: 'demo', role: 'owner' });
  const vendor = await createVendorApp({ issuer: ctx.publicUrl, clientId: app.clientId, clientSecret: app.clientSecret, baseUrl: VENDOR });
  vendor.listen(4100, 'localhost');
  const api = `${ctx.publicUrl}/api/v1/orgs/${org.id}`;
  const auth = `-H 'Authorization: Bearer ${owner.token}'`;
  process.stdout.write(
    [
      '',
      `Open ${VENDOR}, sign in, enter ada@demo.local as your work email, then "ada" at the demo IdP.`,
      'The Premium page stays closed: ada has a Standard seat. As the org owner, upgrade one seat and give it to ada:',
      `  curl -X POST ${api}/seats/purchases ${auth} -H 'Idempotency-Key: demo-1' -H 'Content-Type: application/json' -d '{"upgrade":{"standardToPremium":1}}'`,
      `  curl ${api}/members ${auth}      # ada's id: mem_…`,
      `  curl -X PATCH ${api}/members/<ada's id> ${auth} -H 'Content-Type: application/json' -d '{"seatType":"premium"}'`,
      'and reload the Premium page. Once the Standard seats are taken (the owner’s invitation holds one), the next new person gets "no free seat".',
      `Org ${org.id}; application ${app.clientId}; data in ${dir}. Ctrl-C to stop.`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
