import fc from 'fast-check';
import { coerceCommonUser, coerceWithScimmy } from '../../src/scim/userCoercion';

/*
 * The fast path for common User payloads must agree with scimmy: whenever it answers, scimmy
 * accepts the same payload and coerces it to the same JSON; whenever scimmy refuses a payload,
 * the fast path stays out of the way so scimmy's error reaches the client.
 */
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SEATD = 'urn:ietf:params:scim:schemas:extension:seatd:2.0:User';

const oddValue = fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}), fc.constant(['x']));
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('Ada', 'ada@example.com', 'Lovelace', ''));
/** Mostly a well-typed value, now and then one of the wrong type. */
const maybeOdd = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: arb }, { weight: 1, arbitrary: oddValue });
/** Now and then one extra key that the common shape does not have (a differently cased or unknown one). */
const withOddKey = <T extends Record<string, unknown>>(arb: fc.Arbitrary<T>, odd: fc.Arbitrary<[string, unknown]>) =>
  fc
    .tuple(arb, fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: odd }))
    .map(([v, extra]) => (extra ? { ...v, [extra[0]]: extra[1] } : v));

const name = maybeOdd(
  withOddKey(
    fc.record(
      { givenName: maybeOdd(text), familyName: maybeOdd(text), formatted: maybeOdd(text), middleName: text, honorificPrefix: text },
      { requiredKeys: [] },
    ),
    fc.tuple(fc.constantFrom('GivenName', 'nickname', 'familyname'), text),
  ),
);
const email = maybeOdd(
  withOddKey(
    fc.record(
      {
        value: maybeOdd(text),
        type: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom('work', 'home', 'other') },
          { weight: 1, arbitrary: fc.constantFrom('Work', 'mobile') },
        ),
        primary: maybeOdd(fc.boolean()),
        display: text,
      },
      { requiredKeys: [] },
    ),
    fc.tuple(fc.constantFrom('Value', 'ref', 'Primary'), text),
  ),
);
const user = withOddKey(
  fc.record(
    {
      schemas: fc.oneof(
        { weight: 8, arbitrary: fc.subarray([CORE, ENTERPRISE, SEATD]) },
        { weight: 1, arbitrary: fc.subarray([CORE, 'urn:example:unknown']) },
        { weight: 1, arbitrary: oddValue },
      ),
      userName: maybeOdd(text),
      externalId: maybeOdd(text),
      displayName: maybeOdd(text),
      nickName: text,
      title: text,
      locale: maybeOdd(fc.constantFrom('en-US', 'fr-FR')),
      preferredLanguage: text,
      timezone: fc.constantFrom('Europe/Paris', 'America/New_York'),
      password: maybeOdd(text),
      active: maybeOdd(fc.boolean()),
      name,
      emails: maybeOdd(fc.array(email, { maxLength: 3 })),
      roles: fc.constantFrom([], [], [{ value: 'admin' }], [{ value: 'Reader', type: 'WindowsAzureActiveDirectoryRole', primary: false }]),
      meta: fc.constantFrom<unknown>(
        { resourceType: 'User' },
        {
          resourceType: 'User',
          created: '2020-01-01T00:00:00Z',
          lastModified: 'x',
          location: 'http://seatd.test/scim/v2/Users/1',
          version: 'W/"3"',
        },
        { resourceType: 'Group' },
        { created: 5 },
        'not an object',
        [1],
      ),
      id: maybeOdd(text),
      [SEATD]: maybeOdd(
        withOddKey(
          fc.record(
            {
              seatType: fc.oneof(
                { weight: 6, arbitrary: fc.constantFrom('standard', 'premium') },
                { weight: 1, arbitrary: fc.constantFrom('Premium', 'gold', null, 5) },
              ),
            },
            { requiredKeys: [] },
          ),
          fc.tuple(fc.constantFrom('SeatType', 'tier'), text),
        ),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.oneof(
    fc.tuple(fc.constantFrom('UserName', 'groups', 'x509Certificates', 'unknownAttribute'), fc.oneof(text, fc.constant([]))),
    fc.tuple(fc.constant(ENTERPRISE), fc.record({ department: text })),
    fc.tuple(
      fc.constant('phoneNumbers'),
      fc.constantFrom([{ value: '+1 555 0100', type: 'cell' }], [{ value: '+1 555 0100', type: 'Work', primary: true }]),
    ),
  ),
);

function scimmyResult(body: Record<string, unknown>): { ok: true; value: Record<string, unknown> } | { ok: false } {
  try {
    return { ok: true, value: coerceWithScimmy(body) };
  } catch {
    return { ok: false };
  }
}

const withSchemaSet = (v: Record<string, unknown>) => ({ ...v, schemas: [...new Set(v.schemas as string[])].sort() });

describe('coerceCommonUser agrees with scimmy', () => {
  it('answers only for payloads scimmy accepts, with the same coerced JSON', () => {
    let fastAnswers = 0;
    fc.assert(
      fc.property(user, (body) => {
        const fast = coerceCommonUser(body);
        if (fast === undefined) return;
        fastAnswers++;
        const reference = scimmyResult(body);
        expect(reference.ok).toBe(true);
        if (reference.ok) expect(withSchemaSet(JSON.parse(JSON.stringify(fast)))).toEqual(withSchemaSet(reference.value));
      }),
      { numRuns: 3000 },
    );
    // the generator must reach the fast path often, or this test proves nothing
    expect(fastAnswers).toBeGreaterThan(100);
  });

  it('answers for the payloads Okta and Entra ID send on create', () => {
    const okta = {
      schemas: [CORE],
      userName: 'test.user@example.com',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@example.com', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      password: '1mz050nq',
      active: true,
    };
    const entra = {
      schemas: [CORE, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'test_user@example.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    };
    for (const body of [okta, entra]) {
      expect(coerceCommonUser(body)).toBeDefined();
      expect(withSchemaSet(coerceCommonUser(body)!)).toEqual(withSchemaSet(coerceWithScimmy(body)));
    }
  });

  it('takes, as scimmy does, a type outside the suggested canonical values, in any case', () => {
    for (const type of ['Work', 'mobile', 'WORK']) {
      const body = { schemas: [CORE], userName: 'a@example.com', emails: [{ value: 'a@example.com', type }] };
      expect(coerceCommonUser(body)).toEqual(coerceWithScimmy(body));
      expect((coerceCommonUser(body)!.emails as { type: string }[])[0]!.type).toBe(type);
    }
  });

  it('leaves to scimmy what it refuses: a string boolean, a missing userName', () => {
    for (const body of [
      { schemas: [CORE], userName: 'a@example.com', emails: [{ value: 'a@example.com', primary: 'true' }] },
      { schemas: [CORE], displayName: 'No Name' },
    ]) {
      expect(coerceCommonUser(body)).toBeUndefined();
      expect(() => coerceWithScimmy(body)).toThrow();
    }
  });
});
