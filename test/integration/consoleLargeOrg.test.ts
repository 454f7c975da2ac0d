import request from 'supertest';
import { provisionScimUser } from '../../src/domain/provisioning/scimProvisioning';
import { acceptInvitation } from '../../src/domain/provisioning/invitations';
import { createLoginLink } from '../../src/domain/sessions/sessions';
import { createSeedOrg } from '../support/testContext';
import { createTestApp, type TestApp } from '../support/testApp';
import { linkFromOutbox, tokenOf } from '../support/outbox';

describe('the console of a large org: members pages, search, the renewal line', () => {
  let t: TestApp;
  let agent: ReturnType<typeof request.agent>;

  beforeAll(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(t.ctx, { provisioningMode: 'scim', contract: { seats: { standard: 300, premium: 0 } } });
    const domain = org.domains[0]!;
    await acceptInvitation(t.ctx, tokenOf(linkFromOutbox(t.ctx.outboxDir, `owner@${domain}`)));
    for (let i = 0; i < 230; i++)
      await provisionScimUser(t.ctx, org.id, { email: `user${String(i).padStart(3, '0')}@${domain}`, active: true }, 'scim:test');
    agent = request.agent(t.app);
    await agent.get(new URL((await createLoginLink(t.ctx, org.id, `owner@${domain}`, 'test')).url).pathname).expect(303);
  });
  afterAll(() => t.ctx.close());

  const emails = (body: string) => [...body.matchAll(/<td>([^<@]+)@/g)].map((m) => m[1]);

  it('lists a hundred members a page, in the order they came, with links to the next and previous pages', async () => {
    const first = await agent.get('/console/members').expect(200);
    expect(first.text).toContain('1–100 of 231');
    expect(emails(first.text).slice(0, 3)).toEqual(['owner', 'user000', 'user001']);
    expect(emails(first.text)).toHaveLength(100);
    expect(first.text).toContain('href="/console/members?page=2" rel="next"');
    expect(first.text).not.toContain('rel="prev"');

    const last = await agent.get('/console/members?page=3').expect(200);
    expect(last.text).toContain('201–231 of 231');
    expect(emails(last.text)).toEqual(Array.from({ length: 31 }, (_, i) => `user${String(199 + i).padStart(3, '0')}`));
    expect(last.text).toContain('href="/console/members?page=2" rel="prev"');
    expect(last.text).not.toContain('rel="next"');
  });

  it('shows the last page, with its way back, for a page past the end', async () => {
    const past = await agent.get('/console/members?page=9').expect(200);
    expect(past.text).toContain('201–231 of 231');
    expect(past.text).toContain('href="/console/members?page=2" rel="prev"');
    const found = await agent.get('/console/members?q=user01&page=2').expect(200);
    expect(found.text).toContain('1–10 of 10');
  });

  it('finds members by part of their email, and says so when nobody matches', async () => {
    const found = await agent.get('/console/members?q=USER01').expect(200);
    expect(found.text).toContain('1–10 of 10');
    expect(emails(found.text)).toEqual(Array.from({ length: 10 }, (_, i) => `user01${i}`));
    const none = await agent.get(`/console/members?q=${encodeURIComponent('<b>nobody')}`).expect(200);
    expect(none.text).toContain('No member’s name or email contains “&lt;b&gt;nobody”.');
    expect(none.text).not.toContain('<b>nobody');
  });

  it('tells the owner on the overview what the renewal will take: the seats in use, priced for the year', async () => {
    const overview = await agent.get('/console').expect(200);
    expect(overview.text).toContain('It renews on 2027-01-01 with the seats in use then (today 231 Standard:');
    expect(overview.text).toContain('<span data-testid="renewal-total">USD 83,160.00</span>');
  });
});
