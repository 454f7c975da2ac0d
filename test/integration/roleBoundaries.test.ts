import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { operator, orgWithToken, scimOrg, tokenFor } from '../support/httpFixtures';
import { linkFromOutbox } from '../support/outbox';
import { execute } from '../support/dbRows';
import { authnRequestId, createTestIdp, samlResponse, type TestIdp } from '../support/samlIdp';

/** No path from admin to owner: each test is one way an admin (or an admin-made credential) once reached above its role. */
describe('role boundaries', () => {
  let t: TestApp;
  let idp: TestIdp;
  let orgId: string;
  let domain: string;
  let owner: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    idp = await createTestIdp();
  });
  beforeEach(async () => {
    t = createTestApp(new Date().toISOString());
    const created = await orgWithToken(t.app, 'owner', { provisioningMode: 'jit', contract: { seats: { standard: 5, premium: 1 } } });
    ({ orgId } = created);
    domain = created.org.domains[0];
    owner = created.auth;
    admin = await tokenFor(t.app, orgId, 'admin');
  });
  afterEach(() => t.ctx.close());
  const url = (p: string) => `/api/v1/orgs/${orgId}${p}`;
  const saml = { entryPoint: 'https://idp.test/sso', idpIssuer: 'http://idp.test/metadata' };

  it('keeps SSO connections, the provisioning settings and SCIM tokens for owners', async () => {
    const forbidden = async (res: request.Response) => {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    };
    await forbidden(
      await request(t.app)
        .put(url('/sso/saml'))
        .set(admin)
        .send({ ...saml, idpCert: idp.cert }),
    );
    await forbidden(
      await request(t.app).put(url('/sso/oidc')).set(admin).send({ issuer: 'https://idp.test', clientId: 'x', clientSecret: 'y' }),
    );
    await forbidden(await request(t.app).put(url('/provisioning')).set(admin).send({ mode: 'manual' }));
    await forbidden(await request(t.app).post(url('/scim-tokens')).set(admin).send({ label: 'okta' }));
    const scimToken = await request(t.app).post(url('/scim-tokens')).set(owner).send({ label: 'okta' }).expect(201);
    await forbidden(
      await request(t.app)
        .delete(url(`/scim-tokens/${scimToken.body.id}`))
        .set(admin),
    );
    await request(t.app)
      .delete(url(`/scim-tokens/${scimToken.body.id}`))
      .set(owner)
      .expect(204);
    await request(t.app)
      .put(url('/sso/saml'))
      .set(owner)
      .send({ ...saml, idpCert: idp.cert })
      .expect(200);
    await request(t.app).get(url('/sso/saml')).set(admin).expect(200); // reading stays open to admins
  });

  it('lets an admin change, deactivate, re-invite or remove members and admins, never an owner', async () => {
    const olga = await request(t.app)
      .post(url('/members'))
      .set(owner)
      .send({ email: `olga@${domain}`, role: 'owner' })
      .expect(201);
    const ada = await request(t.app)
      .post(url('/members'))
      .set(admin)
      .send({ email: `ada@${domain}`, role: 'admin' })
      .expect(201);
    const olgaUrl = url(`/members/${olga.body.member.id}`);
    for (const patch of [{ active: false }, { seatType: 'premium' }, { role: 'member' }]) {
      await request(t.app).patch(olgaUrl).set(admin).send(patch).expect(403);
    }
    await request(t.app).delete(olgaUrl).set(admin).expect(403);
    await request(t.app)
      .patch(url(`/members/${ada.body.member.id}`))
      .set(admin)
      .send({ active: false })
      .expect(200);
    await request(t.app).patch(olgaUrl).set(owner).send({ active: false }).expect(200);
    // a deactivated owner re-invited as a member would be an owner removed by an admin
    await request(t.app)
      .post(url('/members'))
      .set(admin)
      .send({ email: `olga@${domain}`, role: 'member' })
      .expect(403);
    await request(t.app).patch(olgaUrl).set(admin).send({ active: true }).expect(403);
    expect((await request(t.app).get(olgaUrl).set(owner).expect(200)).body).toMatchObject({ role: 'owner', status: 'deactivated' });
    const primary = (await request(t.app).get(url('/members?role=primary_owner')).set(owner).expect(200)).body.members[0];
    await request(t.app)
      .patch(url(`/members/${primary.id}`))
      .set(owner)
      .send({ active: false })
      .expect(409);
    await request(t.app)
      .delete(url(`/members/${primary.id}`))
      .set(admin)
      .expect(409);
  });

  describe('an SSO sign-in grants no more than the connection’s last editor holds', () => {
    /** The primary owner accepts their invitation, then signs in through the org's SAML IdP in a browser of their own. */
    async function primaryOwnerSignsInWithSaml() {
      await request(t.app)
        .get(new URL(linkFromOutbox(t.ctx.outboxDir, `owner@${domain}`)).pathname)
        .expect(200);
      const configured = await request(t.app).get(url('/sso/saml')).set(owner).expect(200);
      const browser = request.agent(t.app);
      const login = await browser.get(`/sso/${orgId}/saml/login`).expect(302);
      const SAMLResponse = samlResponse({
        idp,
        audience: configured.body.serviceProvider.entityId,
        recipient: configured.body.serviceProvider.acsUrl,
        nameId: `owner@${domain}`,
        inResponseTo: authnRequestId(login.headers.location!),
      });
      const res = await browser.post(`/sso/${orgId}/saml/acs`).type('form').send({ SAMLResponse }).expect(303);
      return { browser, landing: res.headers.location };
    }
    beforeEach(async () => {
      await request(t.app)
        .put(url('/sso/saml'))
        .set(owner)
        .send({ ...saml, idpCert: idp.cert })
        .expect(200);
    });

    it('a connection an admin set up signs the primary owner in as an admin: no invoices, no purchases', async () => {
      // what every connection an admin configured before only owners could looks like
      await execute(t.ctx.db, "UPDATE sso_connections SET editor_role = 'admin' WHERE org_id = ?", orgId);
      const { browser, landing } = await primaryOwnerSignsInWithSaml();
      expect(landing).toBe('/console');
      await browser.get(url('/seats')).expect(200);
      await browser.get(url('/invoices')).expect(403);
      const console_ = await browser.get('/console').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(console_.text)?.[1] ?? '';
      await browser
        .post(url('/seats/purchases'))
        .set({ 'Idempotency-Key': 'k1', 'X-CSRF-Token': csrf })
        .send({ add: { standard: 1, premium: 0 } })
        .expect(403);
      await browser
        .put(url('/alert-settings'))
        .set('X-CSRF-Token', csrf)
        .send({ thresholds: [50] })
        .expect(403);
    });

    it('a connection an owner set up lets the primary owner act as an owner', async () => {
      const { browser } = await primaryOwnerSignsInWithSaml();
      await browser.get(url('/invoices')).expect(200);
    });
  });

  describe('SCIM', () => {
    let scim: Awaited<ReturnType<typeof scimOrg>>;
    const headers = () => scim.scim;
    beforeEach(async () => {
      scim = await scimOrg(t.app, { standard: 5, premium: 0 });
    });
    const userByName = async (userName: string) =>
      (
        await request(t.app)
          .get(`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)
          .set(headers())
          .expect(200)
      ).body.Resources[0];
    /** A user the IdP provisioned, whom an owner then made an owner. */
    const scimOwner = async (name: string) => {
      const user = await request(t.app)
        .post('/scim/v2/Users')
        .set(headers())
        .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${name}@${scim.domain}`, active: true })
        .expect(201);
      await request(t.app).patch(`/api/v1/orgs/${scim.orgId}/members/${user.body.id}`).set(scim.owner).send({ role: 'owner' }).expect(200);
      return user;
    };
    const patch = (id: string, operations: unknown[]) =>
      request(t.app)
        .patch(`/scim/v2/Users/${id}`)
        .set(headers())
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });

    it('never changes, deactivates or deletes the primary owner, and never changes an owner’s email', async () => {
      const primary = await userByName(`owner@${scim.domain}`);
      for (const operations of [
        [{ op: 'replace', path: 'active', value: false }],
        [{ op: 'replace', path: 'emails[type eq "work"].value', value: `boss@${scim.domain}` }],
        [{ op: 'replace', path: 'userName', value: `boss@${scim.domain}` }],
      ]) {
        const res = await patch(primary.id, operations).expect(409);
        expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409' });
        expect(res.body.detail).toMatch(/primary owner/);
      }
      expect((await request(t.app).delete(`/scim/v2/Users/${primary.id}`).set(headers()).expect(409)).body.detail).toMatch(/primary owner/);

      const olga = await scimOwner('olga');
      const res = await patch(olga.body.id, [{ op: 'replace', path: 'emails[type eq "work"].value', value: `o@${scim.domain}` }]).expect(
        409,
      );
      expect(res.body.detail).toMatch(/owner's email/);
      await patch(olga.body.id, [{ op: 'replace', path: 'displayName', value: 'Olga O.' }]).expect(200); // the rest of an owner's profile syncs
    });

    it('deactivates or deletes an owner only with a token an owner created', async () => {
      const olga = await scimOwner('olga');
      // a token made before seatd recorded its creator's role may have been an admin's: it acts as one
      await execute(t.ctx.db, 'UPDATE api_tokens SET created_by_role = NULL WHERE org_id = ? AND kind = ?', scim.orgId, 'scim');
      expect((await patch(olga.body.id, [{ op: 'replace', path: 'active', value: false }]).expect(403)).body.status).toBe('403');
      await request(t.app).delete(`/scim/v2/Users/${olga.body.id}`).set(headers()).expect(403);
      await execute(t.ctx.db, "UPDATE api_tokens SET created_by_role = 'owner' WHERE org_id = ? AND kind = ?", scim.orgId, 'scim');
      await patch(olga.body.id, [{ op: 'replace', path: 'active', value: false }]).expect(200);
      await request(t.app).delete(`/scim/v2/Users/${olga.body.id}`).set(headers()).expect(204);
    });
  });

  it('never echoes the alert webhook secret after it was shown once', async () => {
    const set = await request(t.app)
      .put(url('/alert-settings'))
      .set(owner)
      .send({ webhookUrl: 'https://hooks.example.com/seatd', thresholds: [90, 100] })
      .expect(200);
    expect(set.body.webhookSecret).toMatch(/.{20,}/);
    const org = await request(t.app).get(`/api/v1/orgs/${orgId}`).set(operator).expect(200);
    expect(JSON.stringify(org.body)).not.toContain(set.body.webhookSecret);
    expect(org.body.webhookSecret).toBeUndefined();
  });
});
