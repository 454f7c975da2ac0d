import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { scimOrg, tokenFor } from '../support/httpFixtures';
import { execute, queryRow } from '../support/dbRows';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SEATD = 'urn:ietf:params:scim:schemas:extension:seatd:2.0:User';

/** What an IdP (or anyone holding a SCIM token) can send that is not what seatd expects: a SCIM error, never a 500. */
describe('SCIM bad input', () => {
  let t: TestApp;
  let orgId: string;
  let domain: string;
  let scim: Record<string, string>;

  beforeEach(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    ({ orgId, domain, scim } = await scimOrg(t.app, { standard: 5, premium: 5 }));
  });
  afterEach(() => t.ctx.close());

  const newUser = async (name: string) =>
    (
      await request(t.app)
        .post('/scim/v2/Users')
        .set(scim)
        .send({ schemas: [CORE], userName: `${name}@${domain}` })
        .expect(201)
    ).body.id as string;

  /** An error in RFC 7644 §3.12 form whose detail carries nothing of seatd's JavaScript. */
  const expectScimError = (body: Record<string, unknown>, status: number) => {
    expect(body).toMatchObject({ schemas: [ERROR], status: String(status) });
    expect(typeof body.detail).toBe('string');
    expect(body.detail).not.toMatch(/TypeError|ReferenceError|undefined|null to object|SQLite|\bat .*\.ts:\d+/);
  };

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'takes a group named %s while the org maps groups to seat types',
    async (name) => {
      const owner = await tokenFor(t.app, orgId, 'owner');
      await request(t.app)
        .put(`/api/v1/orgs/${orgId}/provisioning`)
        .set(owner)
        .send({ mode: 'scim', groupSeatTypes: { Designers: 'premium' } })
        .expect(200);
      const member = await newUser('ada');
      const created = await request(t.app)
        .post('/scim/v2/Groups')
        .set(scim)
        .send({ schemas: [GROUP], displayName: name, members: [{ value: member }] })
        .expect(201);
      expect(created.body.displayName).toBe(name);
      const user = await request(t.app).get(`/scim/v2/Users/${member}`).set(scim).expect(200);
      expect(user.body[SEATD].seatType).toBe('standard');
    },
  );

  it('maps a group whose name is an Object method like any other, and refuses "__proto__" as a map key instead of dropping it', async () => {
    const owner = await tokenFor(t.app, orgId, 'owner');
    await request(t.app)
      .put(`/api/v1/orgs/${orgId}/provisioning`)
      .set(owner)
      .send({ mode: 'scim', groupSeatTypes: { constructor: 'premium' } })
      .expect(200);
    const member = await newUser('ada');
    await request(t.app)
      .post('/scim/v2/Groups')
      .set(scim)
      .send({ schemas: [GROUP], displayName: 'constructor', members: [{ value: member }] })
      .expect(201);
    expect((await request(t.app).get(`/scim/v2/Users/${member}`).set(scim).expect(200)).body[SEATD].seatType).toBe('premium');

    const refused = await request(t.app)
      .put(`/api/v1/orgs/${orgId}/provisioning`)
      .set(owner)
      .set('Content-Type', 'application/json')
      .send('{"mode":"scim","groupSeatTypes":{"__proto__":"premium"}}')
      .expect(400);
    expect(JSON.stringify(refused.body)).toContain('__proto__');
  });

  it.each([
    ['filter', 'constructor eq "x"'],
    ['filter', '__proto__ pr'],
    ['filter', 'toString eq "x"'],
    ['sortBy', 'constructor'],
    ['sortBy', '__proto__'],
    ['sortBy', 'hasOwnProperty'],
  ])('answers %s=%s with a SCIM 400', async (param, value) => {
    const res = await request(t.app)
      .get(`/scim/v2/Users?${param}=${encodeURIComponent(value)}`)
      .set(scim)
      .expect(400);
    expectScimError(res.body, 400);
    expect(res.body.scimType).toBe(param === 'filter' ? 'invalidFilter' : 'invalidValue');
  });

  it.each([
    ['a NUL', (d: string) => `ada\u0000@${d}`],
    ['HTML', (d: string) => `<script>alert(1)</script>@${d}`],
    ['a path', (d: string) => `../../etc/passwd@${d}`],
    ['quotes and spaces', (d: string) => `"ada lovelace"@${d}`],
  ])('refuses an email with %s, as the JSON API does', async (_what, email) => {
    const address = email(domain);
    const owner = await tokenFor(t.app, orgId, 'owner');
    await request(t.app).post(`/api/v1/orgs/${orgId}/members`).set(owner).send({ email: address, role: 'member' }).expect(400);
    for (const body of [
      { schemas: [CORE], userName: 'someone', emails: [{ value: address, primary: true }] },
      { schemas: [CORE], userName: address },
      { schemas: [CORE], userName: `ok@${domain}`, emails: [{ value: `ok@${domain}`, primary: true }, { value: address }] },
    ]) {
      const res = await request(t.app).post('/scim/v2/Users').set(scim).send(body).expect(400);
      expectScimError(res.body, 400);
      expect(res.body.scimType).toBe('invalidValue');
    }
    const id = await newUser('grace');
    const patched = await request(t.app)
      .patch(`/scim/v2/Users/${id}`)
      .set(scim)
      .send({ schemas: [PATCH], Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: address }] });
    expect(patched.status).toBe(400);
    expectScimError(patched.body, 400);
  });

  /** Members written straight into the database: the HTTP way would take minutes for this many. */
  const insertMembers = async (n: number): Promise<string[]> => {
    const ids = Array.from({ length: n }, (_, i) => `mem_${String(i).padStart(20, '0')}`);
    const perStatement = 1000; // 4,000 parameters: within what SQLite and PostgreSQL bind in one statement
    for (let from = 0; from < n; from += perStatement) {
      const batch = ids.slice(from, from + perStatement);
      await execute(
        t.ctx.db,
        `INSERT INTO members (id, org_id, email, user_name, role, status, seat_type, source, created_at, updated_at) VALUES ${batch
          .map(() => "(?, ?, ?, ?, 'member', 'deactivated', 'standard', 'scim', '2026-03-01', '2026-03-01')")
          .join(', ')}`,
        ...batch.flatMap((id, i) => [id, orgId, `u${from + i}@${domain}`, `u${from + i}@${domain}`]),
      );
    }
    return ids;
  };

  it('takes a group PUT near the body limit, with more members than SQLite binds in one statement', async () => {
    const ids = await insertMembers(28_000);
    const created = await request(t.app)
      .post('/scim/v2/Groups')
      .set(scim)
      .send({ schemas: [GROUP], displayName: 'Everyone' })
      .expect(201);
    const body = { schemas: [GROUP], id: created.body.id, displayName: 'Everyone', members: ids.map((value) => ({ value })) };
    expect(JSON.stringify(body).length).toBeGreaterThan(1_000_000);
    const replaced = await request(t.app).put(`/scim/v2/Groups/${created.body.id}`).set(scim).send(body).expect(200);
    expect(replaced.body.members).toHaveLength(28_000);
    const counted = await queryRow(t.ctx.db, 'SELECT count(*) AS n FROM scim_group_members WHERE group_id = ?', created.body.id);
    expect(counted).toEqual({ n: 28_000 });
  }, 60_000);

  it('answers a group naming more than 32,766 unknown users with a SCIM 400', async () => {
    const members = Array.from({ length: 40_000 }, (_, i) => ({ value: `x${i}` }));
    const res = await request(t.app)
      .post('/scim/v2/Groups')
      .set(scim)
      .send({ schemas: [GROUP], displayName: 'Many', members })
      .expect(400);
    expectScimError(res.body, 400);
    expect(res.body).toMatchObject({ scimType: 'invalidValue' });
  });

  it.each([
    ['a null extension', [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', value: null }]],
    ['a null multi-valued attribute', [{ op: 'add', path: 'emails', value: null }]],
    ['a null value without a path', [{ op: 'add', value: null }]],
    ['a null manager', [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: null }]],
  ])('answers a PATCH with %s with a SCIM 400 that carries no JavaScript message', async (_what, Operations) => {
    const id = await newUser('ada');
    const res = await request(t.app)
      .patch(`/scim/v2/Users/${id}`)
      .set(scim)
      .send({ schemas: [PATCH], Operations })
      .expect(400);
    expectScimError(res.body, 400);
    expect(res.body.detail).not.toMatch(/proxy|trap|Cannot convert|SchemaDefinition/);
    expect(res.body.detail).toMatch(/Schemas/);
  });

  it("answers a body that is not JSON without the parser's message", async () => {
    const res = await request(t.app).post('/scim/v2/Users').set(scim).send('{"schemas": [').expect(400);
    expectScimError(res.body, 400);
    expect(res.body).toMatchObject({ scimType: 'invalidSyntax', detail: 'The request body is not valid JSON' });
  });
});
