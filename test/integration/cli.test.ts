import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app';
import { migrateDatabase, openDatabase } from '../../db/connection';
import { ManualClock } from '../../src/domain/clock';
import { createOrg } from '../../src/domain/onboarding/onboarding';
import { acceptInvitation } from '../../src/domain/provisioning/invitations';
import { linkFromOutbox, tokenOf } from '../support/outbox';
import { freshPostgresDatabase } from '../support/postgres';
import { createLogger } from '../../src/logger';
import { createOutboxMailer } from '../../src/mail/mailer';

const ROOT = path.join(__dirname, '..', '..');

/** The CLI as a child process, run from `cwd` (the repository unless a test plays a person who changed directory). */
function seatdIn(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(ROOT, 'bin/seatd.js'), ...args],
      { cwd, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

const seatd = (args: string[], env: Record<string, string>, input?: string) => seatdIn(ROOT, args, env, input);

/** `org create` with these flags, at prices 1 and 2 and one Standard seat unless they say otherwise. */
function orgCreate(flags: Record<string, string>): string[] {
  return [
    'org',
    'create',
    '--json',
    ...Object.entries({ '--standard-price': '1', '--premium-price': '2', '--standard-seats': '1', ...flags }).flat(),
  ];
}

describe('the seatd CLI', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-cli-'));
    env = { DATABASE_PATH: path.join(dir, 'seatd.db'), OUTBOX_DIR: path.join(dir, 'outbox'), PUBLIC_URL: 'http://seatd.test' };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints help naming its commands', async () => {
    const { code, stdout } = await seatd(['--help'], env);
    expect(code).toBe(0);
    for (const command of ['serve', 'migrate', 'org', 'token', 'scim-token', 'login-link', 'renew', 'verify'])
      expect(stdout).toContain(command);
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    await expect(seatd(['--version'], env)).resolves.toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('speaks to people in one line by default, and lists, shows, makes and revokes what the operator needs', async () => {
    const own = { ...env, DATABASE_PATH: path.join(dir, 'human.db') };
    const created = await seatd(
      [
        'org',
        'create',
        '--name',
        'Human Co',
        '--domain',
        'human.example',
        '--owner-email',
        'owner@human.example',
        '--standard-price',
        '1',
        '--premium-price',
        '2',
        '--standard-seats',
        '3',
      ],
      own,
    );
    expect(created.code).toBe(0);
    const orgId =
      /^created (org_[0-9a-f]{20}) "Human Co" \(human\.example\), seats in use standard 1\/3, premium 0\/0; owner@human\.example: invitation sent\n$/.exec(
        created.stdout,
      )?.[1];
    expect(orgId).toBeDefined();

    const listed = await seatd(['org', 'list'], own);
    expect(listed.stdout).toBe(`${orgId}  "Human Co"  human.example  manual  seats in use standard 1/3, premium 0/0\n`);
    expect(JSON.parse((await seatd(['org', 'list', '--json'], own)).stdout)).toEqual([
      expect.objectContaining({ id: orgId, name: 'Human Co' }),
    ]);
    const shown = await seatd(['org', 'show', orgId!], own);
    expect(shown.stdout).toContain('standard:     1 of 3 in use, 2 free');
    const shownJson = JSON.parse((await seatd(['org', 'show', orgId!, '--json'], own)).stdout);
    expect(shownJson).toMatchObject({
      id: orgId,
      domains: ['human.example'],
      seats: { standard: { purchased: 3, assigned: 1, available: 2 } },
    });
    expect(Object.keys(shownJson)).not.toContain('webhookSecret');

    const made = await seatd(['token', 'create', '--org', orgId!, '--label', 'laptop'], own);
    expect(made.stdout).toMatch(/^sdapi_tok_[0-9a-f]{20}\.\S+\n$/); // the token alone, for TOKEN=$(…)
    expect(made.stderr).toContain('shown once');
    const tokens = await seatd(['token', 'list', '--org', orgId!], own);
    const tokenId = made.stdout.slice('sdapi_'.length, made.stdout.indexOf('.'));
    expect(tokens.stdout).toMatch(new RegExp(`^${tokenId}  owner  "laptop"  created \\S+  last used never\\n$`));
    expect(tokens.stdout).not.toContain(made.stdout.trim().split('.')[1]);
    await expect(seatd(['token', 'revoke', '--org', orgId!, tokenId], own)).resolves.toMatchObject({
      code: 0,
      stdout: `revoked ${tokenId}\n`,
    });
    expect(JSON.parse((await seatd(['token', 'list', '--org', orgId!, '--json'], own)).stdout)).toEqual([]);
    const again = await seatd(['token', 'revoke', '--org', orgId!, tokenId], own);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(tokenId);

    const scim = await seatd(['scim-token', 'create', '--org', orgId!, '--label', 'okta'], own);
    expect(scim.stdout).toMatch(/^sdscim_tok_[0-9a-f]{20}\.\S+\n$/);

    await expect(seatd(['renew'], own)).resolves.toMatchObject({ code: 0, stdout: 'no contract was due for renewal\n' });
    const verified = await seatd(['verify'], own);
    expect(verified).toMatchObject({
      code: 0,
      stdout: 'checked 1 org: every pool matches its ledger and seat holders, every invoice its lines\n',
    });
  }, 120_000); // fourteen CLI runs, each starting Node and tsx

  it('warns when a relative DATABASE_PATH names no database yet, and names the file when it cannot use it', async () => {
    const elsewhere = fs.mkdtempSync(path.join(dir, 'elsewhere-'));
    const relative = await seatdIn(elsewhere, ['org', 'list'], { ...env, DATABASE_PATH: './data/seatd.db' });
    expect(relative.code).toBe(0);
    expect(relative.stderr).toContain(`warning: no database at ${path.join(elsewhere, 'data', 'seatd.db')} yet`);
    const existing = await seatdIn(elsewhere, ['org', 'list'], { ...env, DATABASE_PATH: './data/seatd.db' });
    expect(existing.stderr).not.toContain('warning');

    fs.writeFileSync(path.join(dir, 'not-a-database.db'), 'hello, I am a text file and no SQLite database at all'.repeat(100));
    const broken = await seatd(['org', 'list'], { ...env, DATABASE_PATH: path.join(dir, 'not-a-database.db') });
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain(
      `cannot use the database ${path.join(dir, 'not-a-database.db')} (DATABASE_PATH): file is not a database`,
    );
  });

  it('migrates, creates an org and an owner token that works against the API on the same database', async () => {
    const migrated = await seatd(['migrate'], env);
    expect(migrated).toMatchObject({ code: 0, stdout: 'database migrated\n' });
    const created = await seatd(
      [
        'org',
        'create',
        '--name',
        'Acme CLI',
        '--domain',
        'cli.example',
        '--owner-email',
        'owner@cli.example',
        '--term-start',
        '2026-01-01',
        '--standard-price',
        '36000',
        '--premium-price',
        '72000',
        '--standard-seats',
        '100',
        '--json',
      ],
      env,
    );
    expect(created.code).toBe(0);
    const org = JSON.parse(created.stdout);
    expect(org).toMatchObject({ name: 'Acme CLI', seats: { standard: { purchased: 100, assigned: 1 } } });
    expect(fs.readdirSync(env.OUTBOX_DIR!).some((f) => f.endsWith('-owner@cli.example.eml'))).toBe(true);

    const token = await seatd(['token', 'create', '--org', org.id, '--role', 'owner', '--label', 'laptop', '--json'], env);
    expect(token.code).toBe(0);
    const { token: secret } = JSON.parse(token.stdout);

    const db = openDatabase(env.DATABASE_PATH!);
    migrateDatabase(db);
    try {
      const ctx = {
        db,
        clock: new ManualClock('2026-03-01T09:00:00Z'),
        mailer: createOutboxMailer(env.OUTBOX_DIR!, 'x', createLogger('silent')),
        publicUrl: 'http://seatd.test',
      };
      const app = createApp({ ctx, config: { operatorToken: undefined, publicUrl: ctx.publicUrl }, logger: createLogger('silent') });
      const quote = await request(app)
        .post(`/api/v1/orgs/${org.id}/seats/quote`)
        .set('Authorization', `Bearer ${secret}`)
        .send({ add: { standard: 5 }, upgrade: { standardToPremium: 10 }, effectiveDate: '2026-03-01' })
        .expect(200);
      expect(quote.body.total).toBe(450000);
    } finally {
      db.$client.close();
    }
  });

  it('reads the org as JSON from stdin', async () => {
    const body = {
      name: 'Json Org',
      domains: ['json.example'],
      primaryOwnerEmail: 'boss@json.example',
      contract: { termStart: '2026-01-01', currency: 'EUR', prices: { standard: 1000, premium: 2000 }, seats: { standard: 0, premium: 3 } },
    };
    const created = await seatd(['org', 'create', '--json', '-'], env, JSON.stringify(body));
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'Json Org', primaryOwner: { invitation: { seatType: 'premium' } } });
  });

  it('gives the primary owner the name the flags say, shown by SCIM as name.givenName and name.familyName', async () => {
    const created = await seatd(
      orgCreate({
        '--name': 'Named Co',
        '--domain': 'named.example',
        '--owner-email': 'owner@named.example',
        '--owner-given-name': 'Grace',
        '--owner-family-name': 'Hopper',
      }),
      env,
    );
    expect(created.code).toBe(0);
    const org = JSON.parse(created.stdout);
    expect(org.primaryOwner).toMatchObject({ email: 'owner@named.example', name: { givenName: 'Grace', familyName: 'Hopper' } });
    const db = new Database(env.DATABASE_PATH!);
    try {
      const row = db
        .prepare('SELECT given_name AS givenName, family_name AS familyName FROM members WHERE id = ?')
        .get(org.primaryOwner.memberId);
      expect(row).toEqual({ givenName: 'Grace', familyName: 'Hopper' });
    } finally {
      db.close();
    }
    const half = await seatd(
      orgCreate({ '--name': 'Half', '--domain': 'half.example', '--owner-email': 'o@half.example', '--owner-given-name': 'Grace' }),
      env,
    );
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('primaryOwnerName.familyName');
  });

  it('fails with a readable message naming the bad field', async () => {
    const bad = await seatd(orgCreate({ '--name': 'Bad', '--domain': 'bad.example', '--owner-email': 'x@other.example' }), env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('primaryOwnerEmail: domain other.example is not one of the organization');
    const badFlag = await seatd(['org', 'create', '--standard-seats', 'many'], env);
    expect(badFlag.code).not.toBe(0);
    expect(badFlag.stderr).toContain('must be a whole number');
  });

  it('renews ended auto-renewing contracts, and verify holds every pool to its ledger', async () => {
    const own = { ...env, DATABASE_PATH: path.join(dir, 'renewals.db') };
    const now = new Date();
    const month = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
    // an org made 13 months ago (a term start that far back is refused today), through the domain on that day's clock
    const db = openDatabase(own.DATABASE_PATH);
    migrateDatabase(db);
    let orgId: string;
    try {
      const then = {
        db,
        clock: new ManualClock(`${month(-13)}T09:00:00Z`),
        mailer: createOutboxMailer(dir, 'x', createLogger('silent')),
        publicUrl: 'http://seatd.test',
      };
      orgId = (
        await createOrg(
          then,
          {
            name: 'Old Co',
            domains: ['old.example'],
            primaryOwnerEmail: 'owner@old.example',
            contract: {
              termStart: month(-13),
              currency: 'USD',
              prices: { standard: 36000, premium: 72000 },
              seats: { standard: 10, premium: 0 },
            },
          },
          'test',
        )
      ).id;
      await acceptInvitation(then, tokenOf(linkFromOutbox(dir, 'owner@old.example')));
    } finally {
      db.$client.close();
    }

    const renewed = await seatd(['renew', '--json'], own);
    expect(renewed.code).toBe(0);
    // the owner is the one seat in use: 10 bought, 1 renewed
    expect(JSON.parse(renewed.stdout)).toEqual([
      {
        orgId,
        term: { start: month(-1), end: expect.any(String) },
        seats: { standard: 1, premium: 0 },
        invoice: { id: expect.any(String), number: expect.stringMatching(/^INV-\d{4}-000001$/), total: 36000, currency: 'USD' },
      },
    ]);
    expect(JSON.parse((await seatd(['renew', '--json'], own)).stdout)).toEqual([]);

    const healthy = await seatd(['verify', '--json'], own);
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.stdout)).toEqual({ orgs: 1, findings: [] });

    const tamper = new Database(own.DATABASE_PATH);
    tamper.prepare("UPDATE seat_pools SET purchased = purchased + 5 WHERE seat_type = 'standard'").run();
    tamper.close();
    const broken = await seatd(['verify', '--json'], own);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).findings).toEqual([
      { orgId, seatType: 'standard', problem: 'purchased-differs-from-ledger', purchased: 6, ledger: 1 },
    ]);
  });

  it('keeps stdout for the JSON it prints: logs go to stderr', async () => {
    const own = { ...env, DATABASE_PATH: path.join(dir, 'logs.db'), LOG_LEVEL: 'info' };
    const created = await seatd(orgCreate({ '--name': 'Log Co', '--domain': 'log.example', '--owner-email': 'owner@log.example' }), own);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'Log Co' }); // nothing but the org
    expect(created.stderr).toContain('mail written to outbox');
  });
});

describe('seatd migrate with DATABASE_URL', () => {
  it('creates the schema of an empty PostgreSQL database, finds nothing to do the second time, and the other commands then work on it', async () => {
    const database = await freshPostgresDatabase({ empty: true });
    const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-cli-pg-'));
    try {
      const env = { DATABASE_URL: database.url, OUTBOX_DIR: outbox };
      expect(await seatd(['migrate'], env)).toMatchObject({ code: 0, stdout: 'PostgreSQL database migrated\n' });
      expect(await seatd(['migrate'], env)).toMatchObject({ code: 0, stdout: 'PostgreSQL database migrated\n' });
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>(
          "SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('orgs', 'members', 'invoice_counters', 'webhook_endpoints')",
        );
        expect(Number(rows[0]!.n)).toBe(4);
      } finally {
        await client.end();
      }
      // the other commands use the same database: an org made by one is listed by the next
      const created = await seatd(orgCreate({ '--name': 'Pg Co', '--domain': 'pg.example', '--owner-email': 'owner@pg.example' }), env);
      expect(created.code).toBe(0);
      const listed = await seatd(['org', 'list'], env);
      expect(listed).toMatchObject({ code: 0, stderr: '' });
      expect(listed.stdout).toContain('"Pg Co"  pg.example  manual  seats in use standard 1/1');
    } finally {
      fs.rmSync(outbox, { recursive: true, force: true });
      await database.drop();
    }
  });
});
