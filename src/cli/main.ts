import fs from 'node:fs';
import { closeDatabase, databaseReady, isPostgres } from '../../db/database';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config';
import { openDomainContext } from '../composition';
import { createLogger } from '../logger';
import type { DomainContext } from '../domain/context';
import { DomainError, Invalid } from '../domain/errors';
import { createOrg, listOrgs } from '../domain/onboarding/onboarding';
import { getOrg } from '../domain/orgs/orgs';
import { getSeatUsage } from '../domain/ledger/ledger';
import { createToken, listTokens, revokeToken, type IssuedToken } from '../domain/orgs/tokens';
import { createdOrgLine, orgDetails, orgLine, renewalLines, tokenLine, verifyLines } from './humanOutput';
import { createLoginLink } from '../domain/sessions/sessions';
import { startServer } from '../main';
import { overdueContracts, renewDueContracts } from '../domain/renewal/renewal';
import { verifyLedgers } from '../domain/ledger/verify';
import { deleteApp, listApps, registerApp } from '../domain/apps/apps';
import { ensureOpKeys, rotateSigningKeys } from '../op/signingKeys';

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The contexts this command opened, closed when it ends (a PostgreSQL pool would keep the process running). */
const opened: DomainContext[] = [];

function openContext(databaseFlag?: string): DomainContext {
  const config = loadConfig();
  const databasePath = databaseFlag ?? config.databasePath;
  if (!config.databaseUrl) warnOfRelativeNewDatabase(databasePath);
  // a person at a terminal wants the command's answer, not info lines; LOG_LEVEL set says otherwise
  const logLevel = process.env.LOG_LEVEL ? config.logLevel : 'warn';
  const ctx = openDomainContext({ ...config, databasePath }, createLogger(logLevel, 'stderr'), { applicationName: 'seatd cli' });
  opened.push(ctx);
  return ctx;
}

/**
 * A relative DATABASE_PATH is relative to the folder the command runs in: run from another folder,
 * it would make a new empty database there, and the next command would say the org does not exist.
 */
function warnOfRelativeNewDatabase(databasePath: string): void {
  if (path.isAbsolute(databasePath) || databasePath === ':memory:' || fs.existsSync(databasePath)) return;
  process.stderr.write(
    `seatd: warning: no database at ${path.resolve(databasePath)} yet; a new, empty one is made there. DATABASE_PATH (${databasePath}) is relative to the current folder: run seatd from the folder the server runs in, or give an absolute path.\n`,
  );
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `--json` prints the object, as scripts want; otherwise the line a person reads. */
function output(opts: { json?: unknown }, value: unknown, human: () => string): void {
  if (opts.json !== undefined && opts.json !== false) print(value);
  else process.stdout.write(`${human()}\n`);
}

const JSON_OPTION = ['--json', 'print JSON instead of a line for people'] as const;

/** A new token alone on stdout, so `TOKEN=$(seatd token create …)` works; what it is goes to stderr. */
function issued(opts: { json?: boolean }, token: IssuedToken): void {
  output(opts, token, () => token.token);
  if (!opts.json) {
    const what = token.kind === 'api' ? `${token.role} API token` : 'SCIM token';
    process.stderr.write(`${what} ${token.id} "${token.label}"; shown once, only its hash is kept\n`);
  }
}

function describe(err: unknown): string {
  if (err instanceof Invalid && err.fields.length) return `${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('seatd')
    .description('seatd: seat-aware identity provisioning server')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .addOption(new Option('--database <path>', 'SQLite database file').env('DATABASE_PATH'));

  program
    .command('serve')
    .description('run the HTTP server (PORT, DATABASE_PATH, PUBLIC_URL, SEATD_OPERATOR_TOKEN from the environment)')
    .action(async () => {
      const { stop } = await startServer();
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
    });

  program
    .command('migrate')
    .description('create the database if needed and apply pending migrations (the PostgreSQL database of DATABASE_URL when it is set)')
    .action(async () => {
      // opening a context migrates either database (PostgreSQL under its advisory lock)
      const { db } = openContext(program.opts().database);
      await databaseReady(db);
      process.stdout.write(isPostgres(db) ? 'PostgreSQL database migrated\n' : 'database migrated\n');
    });

  const org = program.command('org').description('organizations');
  org
    .command('create')
    .description('create an organization with its contract and invite its primary owner')
    .option('--json [file]', 'print JSON; with a file ("-" for stdin), also read the whole request from it (the body of POST /api/v1/orgs)')
    .option('--name <name>', 'organization name')
    .option('--domain <domain>', 'verified domain (repeatable)', collect, [])
    .option('--owner-email <email>', 'primary owner email, in one of the domains')
    .option('--owner-given-name <name>', 'primary owner given (first) name')
    .option('--owner-family-name <name>', 'primary owner family (last) name')
    .option('--term-start <date>', 'contract term start, YYYY-MM-DD (default: today)')
    .option('--currency <code>', 'ISO 4217 currency', 'USD')
    .option('--standard-price <minor>', 'annual Standard seat price in minor units', integer)
    .option('--premium-price <minor>', 'annual Premium seat price in minor units', integer)
    .option('--standard-seats <n>', 'Standard seats bought', integer, 0)
    .option('--premium-seats <n>', 'Premium seats bought', integer, 0)
    .option('--no-auto-renew', 'the contract does not renew by itself')
    .addOption(new Option('--mode <mode>', 'provisioning mode').choices(['manual', 'jit', 'scim']).default('manual'))
    .action(async (opts) => {
      const body =
        typeof opts.json === 'string'
          ? JSON.parse(fs.readFileSync(opts.json === '-' ? 0 : opts.json, 'utf8'))
          : {
              name: opts.name,
              domains: opts.domain,
              primaryOwnerEmail: opts.ownerEmail,
              ...(opts.ownerGivenName !== undefined || opts.ownerFamilyName !== undefined
                ? { primaryOwnerName: { givenName: opts.ownerGivenName, familyName: opts.ownerFamilyName } }
                : {}),
              provisioningMode: opts.mode,
              contract: {
                termStart: opts.termStart ?? new Date().toISOString().slice(0, 10),
                autoRenew: opts.autoRenew,
                currency: opts.currency,
                prices: { standard: opts.standardPrice, premium: opts.premiumPrice },
                seats: { standard: opts.standardSeats, premium: opts.premiumSeats },
              },
            };
      const ctx = openContext(program.opts().database);
      const created = await createOrg(ctx, body, 'cli');
      output(opts, created, () => createdOrgLine(created));
    });

  org
    .command('list')
    .description('every organization with its seats in use')
    .option(...JSON_OPTION)
    .action(async (opts) => {
      const orgs = await listOrgs(openContext(program.opts().database));
      output(opts, orgs, () => (orgs.length ? orgs.map(orgLine).join('\n') : 'no organization yet'));
    });

  org
    .command('show')
    .description('one organization: domains, provisioning, term and seats')
    .argument('<org>', 'organization id')
    .option(...JSON_OPTION)
    .action(async (orgId: string, opts) => {
      const ctx = openContext(program.opts().database);
      const { id, name, domains, provisioningMode, defaultSeatType, groupSeatTypes, createdAt } = await getOrg(ctx, orgId);
      const shown = {
        id,
        name,
        domains,
        provisioningMode,
        defaultSeatType,
        groupSeatTypes,
        createdAt,
        seats: await getSeatUsage(ctx, orgId),
      };
      output(opts, shown, () => orgDetails(shown));
    });

  const token = program.command('token').description('org API tokens');
  token
    .command('create')
    .description('create an org API token (printed once; only its hash is stored)')
    .requiredOption('--org <id>', 'organization id')
    .addOption(new Option('--role <role>', 'role the token acts with').choices(['owner', 'admin']).default('owner'))
    .option('--label <label>', 'what the token is for', 'cli')
    .option(...JSON_OPTION)
    .action(async (opts) => {
      const ctx = openContext(program.opts().database);
      issued(opts, await createToken(ctx, opts.org, { kind: 'api', role: opts.role, label: opts.label }, { actor: 'cli', role: 'owner' }));
    });
  token
    .command('list')
    .description("the org's live API tokens (never their secrets) and when each was last used")
    .requiredOption('--org <id>', 'organization id')
    .option(...JSON_OPTION)
    .action(async (opts) => {
      const tokens = await listTokens(openContext(program.opts().database), opts.org, 'api');
      output(opts, tokens, () => (tokens.length ? tokens.map(tokenLine).join('\n') : 'no API token'));
    });
  token
    .command('revoke')
    .description('revoke an API token at once (audited)')
    .requiredOption('--org <id>', 'organization id')
    .argument('<token-id>', 'the id (tok_…) that token list shows')
    .option(...JSON_OPTION)
    .action(async (tokenId: string, opts) => {
      await revokeToken(openContext(program.opts().database), opts.org, 'api', tokenId, 'cli');
      output(opts, { id: tokenId, revoked: true }, () => `revoked ${tokenId}`);
    });

  program
    .command('scim-token')
    .description('SCIM tokens for an identity provider')
    .command('create')
    .description("create a SCIM bearer token for the org's identity provider (printed once)")
    .requiredOption('--org <id>', 'organization id')
    .option('--label <label>', 'what the token is for', 'scim')
    .option(...JSON_OPTION)
    .action(async (opts) => {
      const ctx = openContext(program.opts().database);
      issued(opts, await createToken(ctx, opts.org, { kind: 'scim', role: null, label: opts.label }, { actor: 'cli', role: 'owner' }));
    });

  const app = program.command('app').description("the vendor's applications that sign people in through seatd (OpenID Connect clients)");
  app
    .command('create')
    .description('register an application; prints its client id and secret (shown once; only a hash is stored)')
    .requiredOption('--name <name>', 'application name, shown to people signing in')
    .option('--redirect-uri <url>', 'where seatd may send the authorization code (repeatable)', collect, [])
    .option('--post-logout-redirect-uri <url>', 'where seatd may send people after signing out (repeatable)', collect, [])
    .action(async (opts) => {
      const ctx = openContext(program.opts().database);
      print(
        await registerApp(
          ctx,
          { name: opts.name, redirectUris: opts.redirectUri, postLogoutRedirectUris: opts.postLogoutRedirectUri },
          'cli',
        ),
      );
    });
  app
    .command('list')
    .description('list the registered applications (never their secrets)')
    .action(async () => print(await listApps(openContext(program.opts().database))));
  app
    .command('delete')
    .description('delete an application: its client id stops authenticating and its tokens stop working')
    .argument('<clientId>', 'the client id (app_…)')
    .action(async (clientId: string) => {
      await deleteApp(openContext(program.opts().database), clientId, 'cli');
      process.stdout.write(`deleted ${clientId}\n`);
    });

  const keys = program.command('keys').description("the OpenID Provider's signing keys");
  keys
    .command('rotate')
    .description('make new signing keys (RS256, ES256); the old ones stay published until tokens they signed have expired')
    .action(async () => {
      const ctx = openContext(program.opts().database);
      await ensureOpKeys(ctx);
      print(await rotateSigningKeys(ctx));
    });

  program
    .command('login-link')
    .description('print a one-time console sign-in link, valid 15 minutes, for an active member')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--email <email>', 'the member to sign in')
    .option(...JSON_OPTION)
    .action(async (opts) => {
      const ctx = openContext(program.opts().database);
      const link = await createLoginLink(ctx, opts.org, opts.email, 'cli');
      output(opts, link, () => link.url);
      if (!opts.json) process.stderr.write(`valid until ${link.expiresAt}, once\n`);
    });

  program
    .command('renew')
    .description('renew every auto-renewing contract whose term has ended, invoicing the seats in use (serve does this on its own)')
    .option('--catch-up', 'also renew contracts more than one term behind, one invoice per missed term')
    .option(...JSON_OPTION)
    .action(async (opts: { catchUp?: boolean; json?: boolean }) => {
      const ctx = openContext(program.opts().database);
      const renewals = await renewDueContracts(ctx, { catchUp: opts.catchUp === true });
      output(opts, renewals, () => renewalLines(renewals));
      for (const c of await overdueContracts(ctx)) {
        process.stderr.write(
          `${c.orgId}: ${c.missedTerms} terms behind since ${c.termStart}; run seatd renew --catch-up to invoice them\n`,
        );
      }
    });

  program
    .command('verify')
    .description('check every seat pool against its ledger and its seat holders, and every invoice against its lines; exit 1 on a finding')
    .option(...JSON_OPTION)
    .action(async (opts) => {
      const report = await verifyLedgers(openContext(program.opts().database));
      output(opts, report, () => verifyLines(report));
      if (report.findings.length) process.exitCode = 1;
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof DomainError) {
      process.stderr.write(`seatd: ${describe(err)}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  } finally {
    await Promise.all(opened.splice(0).map((ctx) => closeDatabase(ctx.db)));
  }
}
