import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { scimOrg } from '../support/httpFixtures';
import { queryRow } from '../support/dbRows';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** What seatd answers is what the IdP sent: an IdP comparing the two sees no difference. */
let t: TestApp;
let domain: string;
let scim: Record<string, string>;

// every test here runs against an org of its own, in SCIM mode, as an IdP sees it
beforeEach(async () => {
  t = createTestApp('2026-03-01T09:00:00Z');
  ({ domain, scim } = await scimOrg(t.app, { standard: 10, premium: 0 }));
});
afterEach(() => t.ctx.close());

describe('SCIM User representation', () => {
  const create = (body: Record<string, unknown>) =>
    request(t.app)
      .post('/scim/v2/Users')
      .set(scim)
      .send({ schemas: [CORE], ...body });
  const filter = (f: string) =>
    request(t.app)
      .get(`/scim/v2/Users?filter=${encodeURIComponent(f)}`)
      .set(scim)
      .expect(200);

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
    const renameTo = (userName: string) =>
      request(t.app)
        .patch(`/scim/v2/Users/${entra.body.id}`)
        .set(scim)
        .send({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: userName }] });
    expect((await renameTo('JohnDoe').expect(200)).body.userName).toBe('JohnDoe');
    // a change of case alone is the same user's name, not a clash
    expect((await renameTo('JOHNDOE').expect(200)).body.userName).toBe('JOHNDOE');
    const clash = await renameTo(`OMALLEY@${domain}`).expect(409);
    expect(clash.body.scimType).toBe('uniqueness');

    const sorted = await request(t.app).get('/scim/v2/Users?sortBy=userName').set(scim).expect(200);
    const names = sorted.body.Resources.map((r: { userName: string }) => r.userName.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  const patch = (id: string, Operations: unknown[]) =>
    request(t.app)
      .patch(`/scim/v2/Users/${id}`)
      .set(scim)
      .send({ schemas: [PATCH], Operations });

  it("takes any role and certificate type, canonical values in any case, and Entra's string booleans in sub-attributes", async () => {
    const created = await create({
      userName: `entra@${domain}`,
      emails: [{ value: `entra@${domain}`, type: 'Work', primary: 'True' }],
      phoneNumbers: [{ value: '+1 555 0100', type: 'cell' }],
      roles: [{ value: 'Reader', display: 'Reader', type: 'WindowsAzureActiveDirectoryRole', primary: 'False' }],
      x509Certificates: [{ value: 'MIIB', type: 'signing' }],
    }).expect(201);
    expect(created.body).toMatchObject({
      emails: [{ value: `entra@${domain}`, type: 'Work', primary: true }],
      phoneNumbers: [{ value: '+1 555 0100', type: 'cell' }],
      roles: [{ value: 'Reader', type: 'WindowsAzureActiveDirectoryRole', primary: false }],
      x509Certificates: [{ value: 'MIIB', type: 'signing' }],
    });
    const added = await patch(created.body.id, [
      { op: 'add', path: 'roles', value: [{ value: 'Writer', type: 'WindowsAzureActiveDirectoryRole', primary: 'True' }] },
      { op: 'replace', path: 'roles[value eq "Reader"].primary', value: 'False' },
    ]).expect(200);
    expect(added.body.roles).toEqual([
      { value: 'Reader', display: 'Reader', type: 'WindowsAzureActiveDirectoryRole', primary: false },
      { value: 'Writer', type: 'WindowsAzureActiveDirectoryRole', primary: true },
    ]);
  });

  it('keeps every email as sent through add, replace and remove, and signs the member in with the primary one', async () => {
    const created = await create({ userName: `ada@${domain}`, emails: [{ value: `ada@${domain}`, type: 'work', primary: true }] }).expect(
      201,
    );
    const id = created.body.id as string;
    const added = await patch(id, [{ op: 'add', path: 'emails', value: [{ value: `Ada.Home@${domain}`, type: 'home' }] }]).expect(200);
    expect(added.body.emails).toEqual([
      { value: `ada@${domain}`, type: 'work', primary: true },
      { value: `Ada.Home@${domain}`, type: 'home' },
    ]);
    const read = await request(t.app).get(`/scim/v2/Users/${id}`).set(scim).expect(200);
    expect(read.body.emails).toHaveLength(2);

    const replaced = await patch(id, [{ op: 'replace', path: 'emails[type eq "home"].value', value: `Lovelace@${domain}` }]).expect(200);
    expect(replaced.body.emails[1]).toEqual({ value: `Lovelace@${domain}`, type: 'home' });

    // the primary moves to the home address: that is now the member's sign-in email
    const moved = await patch(id, [
      { op: 'replace', path: 'emails[type eq "work"].primary', value: false },
      { op: 'replace', path: 'emails[type eq "home"].primary', value: true },
    ]).expect(200);
    expect(moved.body.emails).toEqual([
      { value: `ada@${domain}`, type: 'work', primary: false },
      { value: `Lovelace@${domain}`, type: 'home', primary: true },
    ]);
    const row = await queryRow(t.ctx.db, 'SELECT email FROM members WHERE id = ?', id);
    expect(row).toEqual({ email: `lovelace@${domain}` });

    const removed = await patch(id, [{ op: 'remove', path: 'emails[type eq "work"]' }]).expect(200);
    expect(removed.body.emails).toEqual([{ value: `Lovelace@${domain}`, type: 'home', primary: true }]);

    const put = await request(t.app)
      .put(`/scim/v2/Users/${id}`)
      .set(scim)
      .send({ schemas: [CORE], userName: `ada@${domain}`, emails: [{ value: `ada@${domain}`, type: 'other' }, { value: `x@${domain}` }] })
      .expect(200);
    expect(put.body.emails).toEqual([{ value: `ada@${domain}`, type: 'other' }, { value: `x@${domain}` }]);
  });

  it('filters on every email a user has, not only the one they sign in with', async () => {
    const created = await create({
      userName: `ada@${domain}`,
      emails: [
        { value: `ada@${domain}`, type: 'work', primary: true },
        { value: 'ada@home.example', type: 'home' },
      ],
    }).expect(201);
    const ids = async (f: string) => (await filter(f)).body.Resources.map((r: { id: string }) => r.id);
    expect(await ids('emails[type eq "home" and value eq "ADA@home.example"]')).toEqual([created.body.id]);
    expect(await ids('emails.value eq "ada@home.example"')).toEqual([created.body.id]);
    expect(await ids('emails co "home.example"')).toEqual([created.body.id]);
    expect(await ids('emails[type eq "home" and primary eq true]')).toEqual([]);
    expect(await ids(`emails[value eq "ada@${domain}" and primary eq true]`)).toEqual([created.body.id]);
  });

  it('describes in /Schemas what it enforces: suggested canonical values, and one member per sign-in email', async () => {
    const res = await request(t.app).get(`/scim/v2/Schemas/${CORE}`).set(scim).expect(200);
    const attribute = (name: string) => res.body.attributes.find((a: { name: string }) => a.name === name);
    const sub = (name: string, subName: string) => attribute(name).subAttributes.find((a: { name: string }) => a.name === subName);
    expect(sub('emails', 'type').canonicalValues).toEqual(['work', 'home', 'other']);
    expect(sub('roles', 'type')).not.toHaveProperty('canonicalValues');
    expect(sub('x509Certificates', 'type')).not.toHaveProperty('canonicalValues');
    expect(sub('emails', 'value').uniqueness).toBe('server');
    expect(attribute('userName')).toMatchObject({ caseExact: false, uniqueness: 'server' });
  });

  it('removes a whole extension when a PATCH names its URN', async () => {
    const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const created = await create({
      schemas: [CORE, ENTERPRISE],
      userName: `ada@${domain}`,
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '7' },
    }).expect(201);
    expect(created.body[ENTERPRISE]).toEqual({ department: 'R&D', employeeNumber: '7' });
    const removed = await patch(created.body.id, [{ op: 'remove', path: ENTERPRISE }]).expect(200);
    expect(removed.body).not.toHaveProperty([ENTERPRISE]);
    expect(removed.body.schemas).not.toContain(ENTERPRISE);
    const read = await request(t.app).get(`/scim/v2/Users/${created.body.id}`).set(scim).expect(200);
    expect(read.body).not.toHaveProperty([ENTERPRISE]);
    // in order with the other operations of the message
    const readded = await patch(created.body.id, [
      { op: 'remove', path: ENTERPRISE },
      { op: 'add', path: `${ENTERPRISE}:department`, value: 'Ops' },
    ]).expect(200);
    expect(readded.body[ENTERPRISE]).toEqual({ department: 'Ops' });
  });
});

describe('SCIM Group PATCH with attributes asked for', () => {
  it('answers 200 with the resource (RFC 7644 §3.5.2), and 204 without', async () => {
    const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
    const ada = await request(t.app)
      .post('/scim/v2/Users')
      .set(scim)
      .send({ schemas: [CORE], userName: `ada@${domain}` })
      .expect(201);
    const group = await request(t.app)
      .post('/scim/v2/Groups')
      .set(scim)
      .send({ schemas: [GROUP], displayName: 'Eng' })
      .expect(201);
    const patch = (query: string, Operations: unknown[]) =>
      request(t.app)
        .patch(`/scim/v2/Groups/${group.body.id}${query}`)
        .set(scim)
        .send({ schemas: [PATCH], Operations });

    const named = await patch('?attributes=displayName', [{ op: 'replace', path: 'displayName', value: 'Engineering' }]).expect(200);
    expect(named.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(named.body).toEqual({ schemas: [GROUP], id: group.body.id, displayName: 'Engineering' });
    expect(named.headers.etag).toBe('W/"2"');

    const added = await patch('?attributes=members,meta', [{ op: 'add', path: 'members', value: [{ value: ada.body.id }] }]).expect(200);
    expect(added.body).toMatchObject({ id: group.body.id, members: [{ value: ada.body.id }], meta: { version: 'W/"3"' } });
    expect(added.body).not.toHaveProperty('displayName');

    const without = await patch('?excludedAttributes=members', [{ op: 'replace', path: 'displayName', value: 'Eng' }]).expect(200);
    expect(without.body).toMatchObject({ displayName: 'Eng' });
    expect(without.body).not.toHaveProperty('members');

    await patch('', [{ op: 'replace', path: 'displayName', value: 'R&D' }]).expect(204);
    const qualified = await patch(`?attributes=${encodeURIComponent(`${GROUP}:displayName`)}`, []).expect(200);
    expect(qualified.body).toEqual({ schemas: [GROUP], id: group.body.id, displayName: 'R&D' });
  });

  it('shapes the User a write answers by the attributes asked for, as it does a read', async () => {
    const created = await request(t.app)
      .post('/scim/v2/Users?attributes=userName')
      .set(scim)
      .send({ schemas: [CORE], userName: `ada@${domain}`, displayName: 'Ada' })
      .expect(201);
    expect(created.body).toEqual({ schemas: expect.any(Array), id: expect.any(String), userName: `ada@${domain}` });
    const patched = await request(t.app)
      .patch(`/scim/v2/Users/${created.body.id}?excludedAttributes=emails,meta`)
      .set(scim)
      .send({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Ada L.' }] })
      .expect(200);
    expect(patched.body).toMatchObject({ displayName: 'Ada L.', userName: `ada@${domain}` });
    expect(patched.body).not.toHaveProperty('emails');
    expect(patched.body).not.toHaveProperty('meta');
  });
});

describe('SCIM searches across resource types', () => {
  const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
  const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

  beforeEach(async () => {
    for (const name of ['ada', 'bob'])
      await request(t.app)
        .post('/scim/v2/Users')
        .set(scim)
        .send({ schemas: [CORE], userName: `${name}@${domain}`, displayName: `Team ${name}` })
        .expect(201);
    for (const displayName of ['Team Eng', 'Design'])
      await request(t.app)
        .post('/scim/v2/Groups')
        .set(scim)
        .send({ schemas: [GROUP], displayName })
        .expect(201);
  });

  const search = (path: string, body: Record<string, unknown>) =>
    request(t.app)
      .post(`/scim/v2${path}`)
      .set(scim)
      .send({ schemas: [SEARCH], ...body });
  const kinds = (res: request.Response) => res.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType);

  it('answers a root query with every resource type, paged across them (RFC 7644 §3.4.3)', async () => {
    const all = await search('/.search', {}).expect(200);
    // the primary owner, two users, two groups
    expect(all.body).toMatchObject({ totalResults: 5, itemsPerPage: 5, startIndex: 1 });
    expect(kinds(all)).toEqual(['User', 'User', 'User', 'Group', 'Group']);
    const second = await search('/.search', { startIndex: 3, count: 2 }).expect(200);
    expect(second.body).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 3 });
    expect(kinds(second)).toEqual(['User', 'Group']);
    const last = await search('/.search', { startIndex: 5, count: 10 }).expect(200);
    expect(last.body.Resources.map((r: { displayName: string }) => r.displayName)).toEqual(['Design']);

    const team = await search('/.search', { filter: 'displayName sw "team"' }).expect(200);
    expect(team.body.Resources.map((r: { displayName: string }) => r.displayName)).toEqual(['Team ada', 'Team bob', 'Team Eng']);
    // an attribute only Users have: no Group matches it
    const users = await search('/.search', { filter: `userName eq "ada@${domain}"` }).expect(200);
    expect(kinds(users)).toEqual(['User']);
  });

  it('filters on meta.resourceType, at the root and on each endpoint', async () => {
    expect(kinds(await search('/.search', { filter: 'meta.resourceType eq "Group"' }).expect(200))).toEqual(['Group', 'Group']);
    const notGroups = await search('/.search', { filter: 'not (meta.resourceType eq "group")', count: 10 }).expect(200);
    expect(kinds(notGroups)).toEqual(['User', 'User', 'User']);
    const filtered = await request(t.app)
      .get(`/scim/v2/Users?filter=${encodeURIComponent('meta.resourceType eq "User" and displayName pr')}`)
      .set(scim)
      .expect(200);
    expect(filtered.body.totalResults).toBe(2);
    const none = await request(t.app)
      .get(`/scim/v2/Groups?filter=${encodeURIComponent('meta.resourceType eq "User"')}`)
      .set(scim)
      .expect(200);
    expect(none.body.totalResults).toBe(0);
  });

  it('searches Groups with POST /Groups/.search', async () => {
    const found = await search('/Groups/.search', { filter: 'displayName eq "design"', excludedAttributes: ['members'] }).expect(200);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ displayName: 'Design' }] });
    expect(found.body.Resources[0]).not.toHaveProperty('members');
    const bad = await search('/Groups/.search', { filter: 'userName eq "x"' }).expect(400);
    expect(bad.body.scimType).toBe('invalidFilter');
  });
});
