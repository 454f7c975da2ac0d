import fc from 'fast-check';
import { applyCommonPatch, normalizeOperations, patchUser, patchWithScimmy } from '../../src/scim/userPatch';
import { fromScimUser } from '../../src/scim/userResource';

/*
 * The direct path for common PATCHes must agree with scimmy's PatchOp: whenever it answers, scimmy
 * accepts the same message and arrives at the same user (as seatd reads it: fromScimUser) and the
 * same "changed or not"; whenever scimmy refuses a message, the direct path stays out of the way.
 */
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SEATD = 'urn:ietf:params:scim:schemas:extension:seatd:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const text = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('Ada', 'Lovelace', 'Countess', ''));
const odd = fc.oneof(fc.integer(), fc.constant(null), fc.constant([]), fc.constant({}), fc.constant('True'));
const maybeOdd = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 10, arbitrary: arb }, { weight: 1, arbitrary: odd });

/** A user as seatd hands it out (toScimUser): id, meta, the seatd extension, an email. */
const resource = fc
  .record(
    {
      name: fc.record({ givenName: text, familyName: text }, { requiredKeys: [] }),
      displayName: text,
      externalId: text,
      title: text,
      active: fc.boolean(),
      // the multi-valued attributes an IdP sent, kept as sent beside the sign-in email
      otherEmails: fc.array(
        fc.record({ value: fc.constantFrom('ada@home.example', 'a.l@example.com'), type: fc.constantFrom('home', 'Work', 'other') }),
        {
          maxLength: 2,
        },
      ),
      phoneNumbers: fc.array(
        fc.record({ value: fc.constantFrom('+1 555 0100', '+44 20 7946 0000'), type: fc.constantFrom('cell', 'work') }),
        {
          minLength: 1,
          maxLength: 2,
        },
      ),
      roles: fc.constantFrom([{ value: 'Reader', type: 'WindowsAzureActiveDirectoryRole', primary: false }]),
    },
    { requiredKeys: ['active', 'otherEmails'] },
  )
  .map(({ otherEmails, ...r }) => ({
    schemas: [CORE, SEATD],
    id: 'mem_0123',
    userName: 'ada@example.com',
    ...r,
    emails: [{ value: 'ada@example.com', type: 'work', primary: true }, ...otherEmails],
    [SEATD]: { seatType: 'standard' },
    meta: { resourceType: 'User', created: '2026-01-01T00:00:00.000Z', lastModified: '2026-01-01T00:00:00.000Z', version: 'W/"1"' },
  }));

const path = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom('displayName', 'title', 'externalId', 'active', 'name.givenName', 'name.familyName', 'locale', 'nickName'),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'DisplayName',
      'userName',
      'emails[type eq "work"].value',
      'emails[type eq "home"]',
      'emails',
      'phoneNumbers[type eq "cell"].value',
      'roles',
      `${SEATD}:seatType`,
      'name',
      'bogus',
      '',
    ),
  },
);
const opName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('add', 'replace', 'remove', 'Replace', 'Add') },
  { weight: 1, arbitrary: fc.constantFrom('copy', '') },
);
const valueFor = (p: string) => (p === 'active' ? maybeOdd(fc.boolean()) : maybeOdd(text));
const operation = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(opName, path).chain(([op, p]) =>
      fc.record({
        op: fc.constant(op),
        path: fc.constant(p),
        value: op.toLowerCase() === 'remove' ? fc.constant(undefined) : valueFor(p),
      }),
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: opName,
      value: fc.record(
        { active: maybeOdd(fc.boolean()), displayName: maybeOdd(text), title: text, 'name.givenName': text },
        { requiredKeys: [] },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom({ op: 'remove' }, { op: 'replace', path: 'active' }, { path: 'title', value: 'x' }) },
);
const message = fc.record({
  schemas: fc.oneof(
    { weight: 10, arbitrary: fc.constant([PATCH_OP]) },
    { weight: 1, arbitrary: fc.constantFrom([], ['urn:other'], PATCH_OP) },
  ),
  Operations: fc.oneof(
    { weight: 10, arbitrary: fc.array(operation, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom([], 'x') },
  ),
});

/** Drops undefined values the way a JSON body would (the generator uses them for "absent"). */
const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** What seatd takes from a PATCH: nothing (unchanged), the user it reads from the result, or the error it answers. */
async function outcome(run: () => Promise<Record<string, unknown> | undefined>) {
  try {
    const patched = await run();
    if (!patched) return { unchanged: true };
    const { raw: _raw, scimAttributes, ...input } = fromScimUser(patched);
    return { input, scimAttributes };
  } catch (err) {
    return { error: (err as { status?: number }).status ?? 'thrown' };
  }
}

describe('the direct PATCH path agrees with scimmy', () => {
  it('answers only for messages scimmy accepts, arriving at the same user and the same "changed or not"', async () => {
    let direct = 0;
    await fc.assert(
      fc.asyncProperty(resource, message, async (r, m) => {
        const body = asJson(m) as Record<string, unknown>;
        const user = asJson(r) as Record<string, unknown>;
        const operations = normalizeOperations(body.Operations); // both paths see Entra's forms evened out
        if (!applyCommonPatch(user, body, operations)) return;
        direct++;
        const mine = await outcome(() => patchUser(user, body));
        const reference = await outcome(() => patchWithScimmy(user, body, operations));
        expect(mine).toEqual(reference);
      }),
      { numRuns: 1500 },
    );
    expect(direct).toBeGreaterThan(200);
  });

  it('takes what Entra sends: a capitalised no-path Replace with a string boolean, a path replace of a name part; "True" stays a name', async () => {
    const user = asJson(fc.sample(resource, { numRuns: 1, seed: 1 })[0]!) as Record<string, unknown>;
    const deactivate = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', value: { active: 'False' } }] };
    expect(await outcome(() => patchUser({ ...user, active: true }, deactivate))).toMatchObject({ input: { active: false } });
    const rename = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'name.familyName', value: 'King' }] };
    expect(await outcome(() => patchUser(user, rename))).toMatchObject({ input: { familyName: 'King' } });
    const onPath = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
    expect(await outcome(() => patchUser({ ...user, active: true }, onPath))).toMatchObject({ input: { active: false } });
    const literal = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'True' }] };
    expect(await outcome(() => patchUser(user, literal))).toMatchObject({ input: { displayName: 'True' } });
  });
});
