import fs from 'node:fs';
import request from 'supertest';
import { orgWithToken } from '../support/httpFixtures';
import { linkFromOutbox } from '../support/outbox';
import { registerVendorApp } from '../support/opFixtures';
import { startSeatd } from '../support/seatdServer';
import { relyingParty, type RegisteredApp } from '../support/vendorApp';
import { WebBrowser } from '../support/webBrowser';

/** An org without an identity provider: its members sign in to the application with a link mailed to them. */
describe('signing in to a vendor application with an emailed link', () => {
  let seatd: Awaited<ReturnType<typeof startSeatd>>;
  let app: RegisteredApp;
  let orgId: string;
  let domain: string;
  const vendorCallback = 'http://vendor.test/callback';
  const atVendor = (u: URL) => u.href.startsWith(vendorCallback);
  const loginLink = /https?:\/\/\S+\/login\/[A-Za-z0-9_-]+/;

  beforeEach(async () => {
    seatd = await startSeatd();
    const created = await orgWithToken(seatd.app, 'owner', { provisioningMode: 'manual' });
    ({ orgId } = created);
    domain = created.org.domains[0];
    // the primary owner accepts the invitation: an active member of a manual-mode org
    await request(seatd.app)
      .get(`/invite/${linkFromOutbox(seatd.ctx.outboxDir, `owner@${domain}`).split('/').at(-1)}`)
      .expect(200);
    app = await registerVendorApp(seatd.app, vendorCallback);
  });
  afterEach(() => seatd.close());

  const mailsTo = (email: string) =>
    fs.existsSync(seatd.ctx.outboxDir) ? fs.readdirSync(seatd.ctx.outboxDir).filter((f) => f.endsWith(`-${email}.txt`)).length : 0;
  async function mailArrives(email: string, before: number) {
    for (let i = 0; i < 50 && mailsTo(email) === before; i++) await new Promise((r) => setTimeout(r, 20));
    return linkFromOutbox(seatd.ctx.outboxDir, email, loginLink);
  }

  /** The application's request → the work email page → the address typed in → the page that says to check the mail. */
  async function askForLink(email: string) {
    const rp = await relyingParty(seatd.url, app);
    const browser = new WebBrowser();
    const { url, pending } = await rp.authorize({ organization: orgId });
    const { url: formUrl, page } = await browser.follow(url, atVendor);
    const html = await page!.text();
    expect(html).toContain('Work email');
    const action = new URL(/action="([^"]+)"/.exec(html)![1]!, formUrl).href;
    const sent = await browser.request(action, { form: { email } });
    return { rp, browser, pending, status: sent.status, text: (await sent.text()).replaceAll(email, 'EMAIL') };
  }

  it('mails a member a single-use link that ends at the application with a code; a stranger sees the same page and gets no mail', async () => {
    const owner = `owner@${domain}`;
    const mailsBefore = mailsTo(owner);
    const member = await askForLink(owner);
    const stranger = await askForLink(`stranger@${domain}`);
    expect(member.status).toBe(200);
    expect(stranger.status).toBe(member.status);
    expect(stranger.text).toBe(member.text);
    expect(member.text).toContain('Check your email');

    const link = await mailArrives(owner, mailsBefore);
    expect(mailsTo(`stranger@${domain}`)).toBe(0);
    const { url: callback } = await member.browser.follow(link, atVendor);
    const tokens = await member.rp.redeem(callback, member.pending);
    expect(tokens.claims()).toMatchObject({ email: owner, org_id: orgId, role: 'primary_owner', seat_type: 'standard' });

    const reused = await new WebBrowser().request(link);
    expect(reused.status).toBe(401);
    expect(await reused.text()).toContain('already used');
  });

  it('refuses a link after 15 minutes', async () => {
    const owner = `owner@${domain}`;
    const before = mailsTo(owner);
    const asked = await askForLink(owner);
    const link = await mailArrives(owner, before);
    seatd.ctx.clock.advanceDays(16 / (24 * 60));
    const expired = await asked.browser.request(link);
    expect(expired.status).toBe(401);
    expect(await expired.text()).toContain('expired');
  });
});
