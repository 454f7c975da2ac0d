import fc from 'fast-check';
import { queryMembers } from '../../src/domain/orgs/memberQuery';
import { provisionScimUser } from '../../src/domain/provisioning/scimProvisioning';
import { updateProvisioningSettings } from '../../src/domain/provisioning/settings';
import { parseFilter, type FilterNode } from '../../src/scim/filterParser';
import { userFilter } from '../../src/scim/userFilter';
import { toScimUser } from '../../src/scim/userResource';
import { createSeedOrg, createTestContext, type TestContext } from '../support/testContext';

/*
 * The filter → SQL translation checked against an independent evaluator: the same parsed filter
 * applied in memory to the SCIM resources seatd serves, per RFC 7644 (case-insensitive userName,
 * names and emails; case-exact externalId; a missing attribute matches nothing but `ne`).
 */
type Resource = Record<string, unknown>;
const CASE_EXACT = new Set(['externalid', 'id']);

function read(resource: Resource, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => {
    if (!v || typeof v !== 'object') return undefined;
    const entry = Object.entries(v as Resource).find(([k]) => k.toLowerCase() === key.toLowerCase());
    return entry?.[1];
  }, resource);
}

function compare(actual: unknown, op: string, expected: unknown, exact: boolean): boolean {
  const absent = actual === undefined || actual === null || actual === '';
  if (op === 'ne') return absent ? expected !== null : !compare(actual, 'eq', expected, exact);
  if (expected === null) return op === 'eq' ? absent : false;
  if (absent) return false;
  if (typeof actual === 'boolean') return op === 'eq' && actual === expected;
  const a = exact ? String(actual) : String(actual).toLowerCase();
  const e = exact ? String(expected) : String(expected).toLowerCase();
  switch (op) {
    case 'eq':
      return a === e;
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
  }
  throw new Error(op);
}

/** The values at a path, through multi-valued attributes (`emails.value`: every email's; `emails`: their values). */
function valuesAt(resource: Resource, path: string): unknown[] {
  const v = read(resource, path);
  if (Array.isArray(v)) return v.map((item) => (item && typeof item === 'object' ? read(item as Resource, 'value') : item));
  const [head, ...rest] = path.split('.');
  const list = read(resource, head!);
  if (Array.isArray(list) && rest.length) return list.map((item) => read(item as Resource, rest.join('.')));
  return [v];
}

function evaluate(node: FilterNode, r: Resource): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, r) && evaluate(node.right, r);
    case 'or':
      return evaluate(node.left, r) || evaluate(node.right, r);
    case 'not':
      return !evaluate(node.expr, r);
    case 'present':
      return valuesAt(r, node.path).some((v) => v !== undefined && v !== null && v !== '');
    case 'compare':
      // a multi-valued attribute matches when one of its values does (RFC 7644 §3.4.2.2)
      return valuesAt(r, node.path).some((v) => compare(v, node.op, node.value, CASE_EXACT.has(node.path.toLowerCase())));
    case 'valuePath':
      return ((read(r, node.path) as Resource[] | undefined) ?? []).some((item) => evaluate(node.filter, item));
  }
}

const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B'), maxLength: 3 });
const op = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
const stringAttr = fc.constantFrom('userName', 'name.givenName', 'name.familyName', 'displayName', 'externalId');
const emailType = fc.constantFrom('work', 'home', 'Work', 'other');
/** One test inside emails[…]: of the address, the type or the primary flag. */
const emailTest: fc.Arbitrary<FilterNode> = fc.oneof(
  fc.record({
    kind: fc.constant('compare' as const),
    path: fc.constant('type'),
    op: fc.constantFrom('eq' as const, 'ne' as const),
    value: emailType,
  }),
  fc.record({ kind: fc.constant('compare' as const), path: fc.constant('value'), op, value: text }),
  fc.record({
    kind: fc.constant('compare' as const),
    path: fc.constant('primary'),
    op: fc.constantFrom('eq' as const, 'ne' as const),
    value: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('present' as const), path: fc.constantFrom('type', 'primary') }),
);
const leaf: fc.Arbitrary<FilterNode> = fc.oneof(
  fc.record({ kind: fc.constant('compare' as const), path: stringAttr, op, value: text }),
  fc.record({
    kind: fc.constant('compare' as const),
    path: stringAttr,
    op: fc.constantFrom('eq' as const, 'ne' as const),
    value: fc.constant(null),
  }),
  fc.record({ kind: fc.constant('present' as const), path: stringAttr }),
  fc.record({
    kind: fc.constant('compare' as const),
    path: fc.constant('active'),
    op: fc.constantFrom('eq' as const, 'ne' as const),
    value: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('valuePath' as const),
    path: fc.constant('emails'),
    filter: fc.oneof(
      emailTest,
      fc.record({ kind: fc.constant('and' as const), left: emailTest, right: emailTest }),
      fc.record({ kind: fc.constant('not' as const), expr: emailTest }),
    ),
  }),
  fc.record({ kind: fc.constant('compare' as const), path: fc.constantFrom('emails', 'emails.value'), op, value: text }),
  fc.record({ kind: fc.constant('compare' as const), path: fc.constant('emails.type'), op: fc.constant('eq' as const), value: emailType }),
  fc.record({ kind: fc.constant('present' as const), path: fc.constantFrom('emails', 'emails.type', 'emails.primary') }),
);
const filterTree: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
    fc.record({ kind: fc.constant('not' as const), expr: tie('node') }),
  ),
})).node;

/** Writes a parsed filter back as text, so the parser is part of what is checked. */
function render(node: FilterNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${render(node.left)} ${node.kind} ${render(node.right)})`;
    case 'not':
      return `not (${render(node.expr)})`;
    case 'present':
      return `${node.path} pr`;
    case 'compare':
      return `${node.path} ${node.op} ${JSON.stringify(node.value)}`;
    case 'valuePath':
      return `${node.path}[${render(node.filter)}]`;
  }
}

type SentEmail = { type: string | null; primary: boolean | null };
function sentEmails(signIn: string, sent: SentEmail & { other: (SentEmail & { local: string }) | null }) {
  const entry = (value: string, e: SentEmail) => ({
    value,
    ...(e.type ? { type: e.type } : {}),
    ...(e.primary !== null ? { primary: e.primary } : {}),
  });
  return [entry(signIn, sent), ...(sent.other ? [entry(`${sent.other.local}.other@example.org`, sent.other)] : [])];
}

describe('SCIM filters: SQL agrees with an in-memory evaluator (fast-check)', () => {
  let ctx: TestContext;
  let orgId: string;
  let resources: Resource[];

  beforeAll(async () => {
    ctx = createTestContext('2026-03-01T09:00:00Z');
    const org = await createSeedOrg(ctx, { provisioningMode: 'scim', contract: { seats: { standard: 100, premium: 0 } } });
    orgId = org.id;
    await updateProvisioningSettings(ctx, orgId, { mode: 'scim' }, { actor: 't', role: 'owner' });
    const people = fc.sample(
      fc.record({
        local: fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 1, maxLength: 4 }),
        given: fc.option(text),
        family: fc.option(text),
        display: fc.option(text),
        ext: fc.option(text),
        active: fc.boolean(),
        // the emails an IdP sent, kept as sent: none (seatd shows the one it knows), or the sign-in one and maybe another
        emails: fc.oneof(
          fc.constant(undefined),
          fc.record({
            type: fc.option(emailType),
            primary: fc.option(fc.boolean()),
            other: fc.option(fc.record({ local: text, type: fc.option(emailType), primary: fc.option(fc.boolean()) })),
          }),
        ),
      }),
      {
        numRuns: 60,
        seed: 42,
      },
    );
    const seen = new Set<string>();
    for (const [i, p] of people.entries()) {
      const email = `${p.local}${i}@${org.domains[0]}`;
      if (seen.has(email)) continue;
      seen.add(email);
      await provisionScimUser(
        ctx,
        orgId,
        {
          email,
          active: p.active,
          givenName: p.given || null,
          familyName: p.family || null,
          displayName: p.display || null,
          externalId: p.ext || null,
          ...(p.emails ? { scimAttributes: { emails: sentEmails(email, p.emails) } } : {}),
        },
        'test',
      );
    }
    resources = (await queryMembers(ctx, orgId, { offset: 0, limit: 1000 })).members.map((m) => toScimUser(m, 'http://seatd.test/scim/v2'));
    expect(resources.length).toBeGreaterThan(40);
  });
  afterAll(() => ctx.close());

  it('selects the same users for generated filters', async () => {
    await fc.assert(
      fc.asyncProperty(filterTree, async (tree) => {
        const textual = render(tree);
        const parsed = parseFilter(textual);
        const fromSql = (await queryMembers(ctx, orgId, { filter: userFilter(parsed), offset: 0, limit: 1000 })).members
          .map((m) => m.id)
          .sort();
        const inMemory = resources
          .filter((r) => evaluate(parsed, r))
          .map((r) => r.id as string)
          .sort();
        expect({ filter: textual, ids: fromSql }).toEqual({ filter: textual, ids: inMemory });
      }),
      { numRuns: 400 },
    );
  });
});
