/*
 * The example vendor application on its own, against a running seatd:
 *   SEATD_URL=http://localhost:3000 CLIENT_ID=app_… CLIENT_SECRET=… npx tsx examples/vendor-app/server.ts
 * (register it first: npx seatd app create --name "Vendor app" --redirect-uri http://localhost:4100/callback
 *  --post-logout-redirect-uri http://localhost:4100/). ORGANIZATION=org_… names the org in every request.
 */
import { createVendorApp } from './vendorApp';

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};

async function main() {
  const port = Number(process.env.PORT ?? 4100);
  const baseUrl = process.env.BASE_URL ?? `http://localhost:${port}`;
  const app = await createVendorApp({
    issuer: process.env.SEATD_URL ?? 'http://localhost:3000',
    clientId: required('CLIENT_ID'),
    clientSecret: required('CLIENT_SECRET'),
    baseUrl,
    ...(process.env.ORGANIZATION ? { organization: process.env.ORGANIZATION } : {}),
  });
  app.listen(port, () => process.stdout.write(`Vendor app on ${baseUrl}\n`));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
