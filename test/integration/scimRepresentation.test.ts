import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { scimOrg } from '../support/httpFixtures';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** What seatd answers is what the IdP sent: an IdP comparing the two sees no difference. */
describe('SCIM User representation', () => {
  let t: TestApp;
  let domain: string;
  let scim: Record<string, string>;

  beforeEach(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    ({ domain, scim } = await scimOrg(t.app, { standard: 10, premium: 0 }));
  });
  afterEach(() => t.ctx.close());

  const create = (body: Record<string, unknown>) => request(t.app).post('/scim/v2/Users').set(scim).send({ schemas: [CORE], ...body });
  const filter = (f: string) => request(t.app).get(`/scim/v2/Users?filter=${encodeURIComponent(f)}`).set(scim).expect(200);

  it('keeps userName as sent, compares it without regard to case, and keeps it unique without regard to case', async () => {
    const created = await create({ userName: `OMalley@${domain}`, emails: [{ value: `OMalley@${domain}`, type: 'work', primary: true }] });
    expect(created.status).toBe(201);
    expect(created.body.userName).toBe(`OMalley@${domain}`);
    expect(created.body.emails).toEqual([{ value: `OMalley@${domain}`, type: 'work', primary: true }]);
    const read = await request(t.app).get(`/scim/v2/Users/${created.body.id}`).set(scim).expect(200);
    expect(read.body.userName).toBe(`OMalley@${domain}`);

    const found = await filter(`userName eq "omalley@${domain.toUpperCase()}"`);
    expect(found.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([`OMalley@${domain}`]);
    expect((await filter(`userName sw "OMAL"`)).body.totalResults).toBe(1);

    const again = await create({ userName: `omalley@${domain}`, emails: [{ value: `other@${domain}`, primary: true }] }).expect(409);
    expect(again.body).toMatchObject({ scimType: 'uniqueness' });

    const entra = await create({ userName: 'Test_User_00aa00aa', emails: [{ value: `t@${domain}`, primary: true }] }).expect(201);
    expect(entra.body.userName).toBe('Test_User_00aa00aa');
    const renamed = await request(t.app)
      .patch(`/scim/v2/Users/${entra.body.id}`)
      .set(scim)
      .send({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: 'JohnDoe' }] })
      .expect(200);
    expect(renamed.body.userName).toBe('JohnDoe');
    // a change of case alone is the same user's name, not a clash
    const recased = await request(t.app)
      .patch(`/scim/v2/Users/${entra.body.id}`)
      .set(scim)
      .send({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: 'JOHNDOE' }] })
      .expect(200);
    expect(recased.body.userName).toBe('JOHNDOE');
    const clash = await request(t.app)
      .patch(`/scim/v2/Users/${entra.body.id}`)
      .set(scim)
      .send({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: `OMALLEY@${domain}` }] })
      .expect(409);
    expect(clash.body.scimType).toBe('uniqueness');

    const sorted = await request(t.app).get('/scim/v2/Users?sortBy=userName').set(scim).expect(200);
    const names = sorted.body.Resources.map((r: { userName: string }) => r.userName.toLowerCase());
    expect(names).toEqual([...names].sort());
  });
});
