import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createVendorApp } from '../../examples/vendor-app/vendorApp';
import type { startOidcProvider } from '../support/oidcIdp';
import { oidcConnectedOrg, registerVendorApp } from '../support/opFixtures';
import { startSeatd } from '../support/seatdServer';
import { WebBrowser } from '../support/webBrowser';

/** examples/vendor-app, a real openid-client application, signing an employee in through seatd. */
describe('the example vendor application', () => {
  let seatd: Awaited<ReturnType<typeof startSeatd>>;
  let idp: Awaited<ReturnType<typeof startOidcProvider>>;
  let vendor: http.Server;
  let vendorUrl: string;
  let orgId: string;
  let domain: string;
  let owner: Record<string, string>;

  beforeEach(async () => {
    seatd = await startSeatd();
    ({ orgId, domain, owner, idp } = await oidcConnectedOrg(seatd, { contract: { seats: { standard: 2, premium: 1 } } }));
    vendor = http.createServer();
    await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
    vendorUrl = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;
    const registered = await registerVendorApp(seatd.app, `${vendorUrl}/callback`, [`${vendorUrl}/`]);
    vendor.on(
      'request',
      await createVendorApp({
        issuer: seatd.url,
        clientId: registered.clientId,
        clientSecret: registered.clientSecret,
        baseUrl: vendorUrl,
      }),
    );
  });
  afterEach(async () => {
    vendor.closeAllConnections();
    await new Promise<void>((resolve) => vendor.close(() => resolve()));
    await idp.close();
    await seatd.close();
  });

  /** Sign in at the vendor app with the work email (login_hint): answers the app's page the browser ends on. */
  async function signIn(browser: WebBrowser, email: string) {
    idp.signInAs(email, { email, email_verified: true, given_name: email.split('@')[0] });
    const { page } = await browser.follow(`${vendorUrl}/login?email=${encodeURIComponent(email)}`);
    return { status: page!.status, html: await page!.text() };
  }

  it('shows who signed in with their org, role and seat, and opens the Premium page only once the seat is upgraded', async () => {
    const browser = new WebBrowser();
    const home = await signIn(browser, `ada@${domain}`);
    expect(home.status).toBe(200);
    expect(home.html).toContain(`ada@${domain}`);
    expect(home.html).toContain(orgId);
    expect(home.html).toContain('<dd>member</dd>');
    expect(home.html).toContain('<dd id="seat">standard</dd>');
    expect((await browser.request(`${vendorUrl}/premium`)).status).toBe(403);

    const sub = (await request(seatd.app).get(`/api/v1/orgs/${orgId}/members?limit=50`).set(owner).expect(200)).body.members.find(
      (m: { email: string }) => m.email === `ada@${domain}`,
    ).id;
    await request(seatd.app).patch(`/api/v1/orgs/${orgId}/members/${sub}`).set(owner).send({ seatType: 'premium' }).expect(200);
    const premium = await browser.request(`${vendorUrl}/premium`);
    expect(premium.status).toBe(200);
    expect(await premium.text()).toContain('Welcome to the Premium feature');
  });

  it('shows "no free seat" when the org has none left for a new employee', async () => {
    await signIn(new WebBrowser(), `ada@${domain}`); // the owner's invitation holds the other Standard seat
    const refused = await signIn(new WebBrowser(), `grace@${domain}`);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('no free seat');
  });
});
