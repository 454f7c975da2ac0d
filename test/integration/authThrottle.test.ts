import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createTestContext, type TestContext } from '../support/testContext';
import { OPERATOR_TOKEN } from '../support/testApp';
import { scimOrg } from '../support/httpFixtures';

/** Guessing credentials is slowed per client address; the holder of a real one, elsewhere, is not. */
describe('failed authentications per client address', () => {
  let ctx: TestContext;
  let lines: string[];
  let app: ReturnType<typeof createApp>;
  beforeEach(() => {
    ctx = createTestContext(new Date().toISOString(), { groupCommit: true });
    lines = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // a reverse proxy on this host tells the client address (TRUST_PROXY=loopback)
    app = createApp({
      ctx,
      config: { operatorToken: OPERATOR_TOKEN, publicUrl: ctx.publicUrl, trustProxy: 'loopback', authFailuresPerMinute: 5 },
      logger: pino({ level: 'info' }, sink),
    });
  });
  afterEach(() => ctx.close());

  const from = (address: string) => ({ 'X-Forwarded-For': address });
  const badScim = { Authorization: 'Bearer sdscim_tok_00000000000000000000.not-the-secret-at-all' };

  it('answers 429 with Retry-After in each surface’s shape once an address has failed too often', async () => {
    const { scim } = await scimOrg(app, { standard: 2, premium: 0 });
    for (let i = 0; i < 5; i++) await request(app).get('/scim/v2/Users').set(badScim).set(from('203.0.113.7')).expect(401);

    const scimRes = await request(app).get('/scim/v2/Users').set(badScim).set(from('203.0.113.7')).expect(429);
    expect(Number(scimRes.headers['retry-after'])).toBeGreaterThan(0);
    expect(scimRes.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429' });
    const api = await request(app).get('/api/v1/orgs/org_x/seats').set('Authorization', 'Bearer nope').set(from('203.0.113.7')).expect(429);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    const page = await request(app).get('/invite/not-a-real-invitation-token').set(from('203.0.113.7')).expect(429);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['retry-after']).toBeDefined();

    // the IdP, from its own address, keeps working with the real token
    await request(app).get('/scim/v2/Users').set(scim).set(from('198.51.100.20')).expect(200);
    // and one more failure elsewhere does not block it
    await request(app).get('/scim/v2/Users').set(badScim).set(from('198.51.100.20')).expect(401);
    await request(app).get('/scim/v2/Users').set(scim).set(from('198.51.100.20')).expect(200);
  });

  it('counts unknown invitation and sign-in links, and logs each failure at warn without the link', async () => {
    for (let i = 0; i < 5; i++) {
      await request(app).get(`/invite/guess-${i}-aaaaaaaaaaaaaaaaaaaa`).set(from('203.0.113.9')).expect(404);
    }
    await request(app).get('/login/guess-zzzzzzzzzzzzzzzzzzzzzzz').set(from('203.0.113.9')).expect(429);
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'failed authentication');
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toMatchObject({ level: 40, client: '203.0.113.9', surface: 'page', status: 404 });
    expect(JSON.stringify(warnings)).not.toContain('guess-');
  });
});
