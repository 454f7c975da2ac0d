import request from 'supertest';
import { createTestApp, type TestApp } from '../support/testApp';
import { orgWithToken, scimOrg } from '../support/httpFixtures';
import { queryRows } from '../support/dbRows';
import { testBackend } from '../support/testContext';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SEATD = 'urn:ietf:params:scim:schemas:extension:seatd:2.0:User';

describe('SCIM /Groups', () => {
  let t: TestApp;
  let orgId: string;
  let domain: string;
  let scim: Record<string, string>;
  let admin: Record<string, string>;
  let owner: Record<string, string>;

  beforeEach(async () => {
    t = createTestApp('2026-03-01T09:00:00Z');
    ({ orgId, admin, owner, domain, scim } = await scimOrg(t.app, { standard: 5, premium: 1 }));
  });
  afterEach(() => t.ctx.close());

  const newUser = async (name: string) =>
    (
      await request(t.app)
        .post('/scim/v2/Users')
        .set(scim)
        .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${name}@${domain}`, active: true })
        .expect(201)
    ).body.id as string;
  const patch = (id: string, Operations: unknown[]) =>
    request(t.app)
      .patch(`/scim/v2/Groups/${id}`)
      .set(scim)
      .send({ schemas: [PATCH], Operations });
  const groupBody = async (id: string) => (await request(t.app).get(`/scim/v2/Groups/${id}`).set(scim).expect(200)).body;
  const seatTypeOf = async (id: string) => (await request(t.app).get(`/scim/v2/Users/${id}`).set(scim).expect(200)).body[SEATD].seatType;

  it('pushes a group, adds and removes members in the forms Okta and Entra send, renames it and deletes it', async () => {
    const [a, b, c] = [await newUser('a'), await newUser('b'), await newUser('c')];
    const created = await request(t.app)
      .post('/scim/v2/Groups')
      .set(scim)
      .send({ schemas: [GROUP], displayName: 'Engineering', members: [{ value: a }] })
      .expect(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({
      displayName: 'Engineering',
      members: [{ value: a, display: `a@${domain}` }],
      meta: { resourceType: 'Group', version: 'W/"1"' },
    });

    await patch(id, [{ op: 'add', path: 'members', value: [{ value: b }, { value: c }] }]).expect(204); // Okta
    await patch(id, [{ op: 'remove', path: `members[value eq "${a}"]` }]).expect(204); // Okta, RFC form
    await patch(id, [{ op: 'Remove', path: 'members', value: [{ value: b }] }]).expect(204); // Entra's value array
    expect((await groupBody(id)).members.map((m: { value: string }) => m.value)).toEqual([c]);
    const renamed = await patch(id, [{ op: 'replace', value: { id, displayName: 'Eng' } }]).expect(204); // Okta rename
    expect(renamed.headers.etag).toBe('W/"5"');
    expect(await groupBody(id)).toMatchObject({ displayName: 'Eng', meta: { version: 'W/"5"' } });

    const byName = await request(t.app)
      .get(`/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "eng"')}&excludedAttributes=members`)
      .set(scim)
      .expect(200);
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources[0].members).toBeUndefined();

    await request(t.app).delete(`/scim/v2/Groups/${id}`).set(scim).expect(204);
    await request(t.app).get(`/scim/v2/Groups/${id}`).set(scim).expect(404);
    await request(t.app).get(`/scim/v2/Users/${c}`).set(scim).expect(200); // members stay
  });

  it('moves members to the seat type their mapped group gives, and records a refusal when none is free', async () => {
    await request(t.app)
      .put(`/api/v1/orgs/${orgId}/provisioning`)
      .set(owner)
      .send({ mode: 'scim', groupSeatTypes: { Designers: 'premium' } })
      .expect(200);
    const [a, b] = [await newUser('a'), await newUser('b')];
    const group = await request(t.app)
      .post('/scim/v2/Groups')
      .set(scim)
      .send({ schemas: [GROUP], displayName: 'Designers', members: [{ value: a }] })
      .expect(201);
    expect(await seatTypeOf(a)).toBe('premium');
    await patch(group.body.id, [{ op: 'Add', path: 'members', value: [{ value: b }] }]).expect(204);
    expect(await seatTypeOf(b)).toBe('standard'); // the only Premium seat is a's
    const refusals = await request(t.app).get(`/api/v1/orgs/${orgId}/refusals`).set(admin).expect(200);
    expect(refusals.body.refusals[0]).toMatchObject({ email: `b@${domain}`, path: 'scim', seatType: 'premium' });
    await patch(group.body.id, [{ op: 'remove', path: `members[value eq "${a}"]` }]).expect(204);
    const seats = (await request(t.app).get(`/api/v1/orgs/${orgId}/seats`).set(admin).expect(200)).body;
    expect(seats.premium.assigned).toBe(1); // a keeps Premium until a mapping says otherwise
  });

  it('applies a message’s operations in order, writing only the memberships they name', async () => {
    const [a, b, c, d] = [await newUser('a'), await newUser('b'), await newUser('c'), await newUser('d')];
    const id = (
      await request(t.app)
        .post('/scim/v2/Groups')
        .set(scim)
        .send({ schemas: [GROUP], displayName: 'Ops', members: [{ value: a }, { value: b }] })
        .expect(201)
    ).body.id;
    const memberIds = async () => (await groupBody(id)).members.map((m: { value: string }) => m.value).sort();
    // a stored row's identity: SQLite's rowid, PostgreSQL's ctid (both change only when a row is deleted and inserted again,
    // as these rows have no column to update)
    const rowIdentity = testBackend === 'postgres' ? 'ctid::text' : 'rowid';
    const rows = async () =>
      new Map(
        (
          await queryRows<{ r: number | string; m: string }>(
            t.ctx.db,
            `SELECT ${rowIdentity} AS r, member_id AS m FROM scim_group_members WHERE group_id = ?`,
            id,
          )
        ).map((x) => [x.m, x.r]),
      );
    const before = await rows();
    await patch(id, [
      { op: 'add', path: 'members', value: [{ value: c }] },
      { op: 'remove', path: `members[value eq "${c}"]` },
      { op: 'Add', path: 'members', value: [{ value: d }] },
    ]).expect(204);
    expect(await memberIds()).toEqual([a, b, d].sort());
    const after = await rows();
    expect([after.get(a), after.get(b)]).toEqual([before.get(a), before.get(b)]); // a's and b's rows were not rewritten

    await patch(id, [
      { op: 'replace', path: 'members', value: [{ value: a }] },
      { op: 'add', path: 'members', value: [{ value: b }] },
    ]).expect(204);
    expect(await memberIds()).toEqual([a, b].sort());
    await patch(id, [{ op: 'add', path: 'members', value: [{ value: a }] }]).expect(204); // already in: nothing to do
    await patch(id, [{ op: 'Remove', path: 'members', value: [{ value: d }] }]).expect(204); // not in: nothing to do
    expect(await memberIds()).toEqual([a, b].sort());
    await patch(id, [{ op: 'remove', path: 'members' }]).expect(204); // Okta's "remove everyone"
    expect(await memberIds()).toEqual([]);

    const unknown = await patch(id, [{ op: 'add', path: 'members', value: [{ value: a }, { value: 'mem_00000000000000000000' }] }]).expect(
      400,
    );
    expect(unknown.body.scimType).toBe('invalidValue');
    expect(await memberIds()).toEqual([]); // all or nothing
  });

  it('refuses unknown members, bad ops and unsupported filters with SCIM errors', async () => {
    const bad = await request(t.app)
      .post('/scim/v2/Groups')
      .set(scim)
      .send({ schemas: [GROUP], displayName: 'X', members: [{ value: 'mem_00000000000000000000' }] })
      .expect(400);
    expect(bad.body.scimType).toBe('invalidValue');
    const g = await request(t.app)
      .post('/scim/v2/Groups')
      .set(scim)
      .send({ schemas: [GROUP], displayName: 'X' })
      .expect(201);
    expect((await patch(g.body.id, [{ op: 'move', path: 'members' }]).expect(400)).body.scimType).toBe('invalidValue');
    expect((await patch(g.body.id, [{ op: 'add', path: 'owners', value: 'x' }]).expect(400)).body.scimType).toBe('invalidPath');
    const filter = await request(t.app)
      .get(`/scim/v2/Groups?filter=${encodeURIComponent('owners co "x"')}`)
      .set(scim)
      .expect(400);
    expect(filter.body.scimType).toBe('invalidFilter');
    await request(t.app)
      .post('/scim/v2/Groups')
      .set(scim)
      .send({ schemas: [GROUP] })
      .expect(400);
  });
});
