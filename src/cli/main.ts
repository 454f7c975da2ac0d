import fs from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config';
import { openDomainContext } from '../composition';
import { createLogger } from '../logger';
import type { DomainContext } from '../domain/context';
import { DomainError, Invalid } from '../domain/errors';
import { createOrg } from '../domain/orgs/orgs';
import { createToken } from '../domain/orgs/tokens';
import { createLoginLink } from '../domain/sessions/sessions';
import { startServer } from '../main';
import { overdueContracts, renewDueContracts } from '../domain/ledger/renewal';
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

function openContext(databaseFlag?: string): DomainContext {
  const config = loadConfig();
  return openDomainContext({ ...config, databasePath: databaseFlag ?? config.databasePath }, createLogger(config.logLevel, 'stderr'));
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function describe(err: unknown): string {
  if (err instanceof Invalid && err.fields.length) return `${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export function buildProgram(): Command {
  const program = new Command('seatd')
    .description('seatd: seat-aware identity provisioning server')
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
    .description('create the database if needed and apply pending migrations')
    .action(() => {
      const ctx = openContext(program.opts().database);
      ctx.db.$client.close();
      process.stdout.write('database migrated\n');
    });

  const org = program.command('org').description('organizations');
  org
    .command('create')
    .description('create an organization with its contract and invite its primary owner')
    .option('--json <file>', 'read the whole request as JSON (same body as POST /api/v1/orgs); "-" for stdin')
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
      const body = opts.json
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
      print(await createOrg(ctx, body, 'cli'));
    });

  const token = program.command('token').description('org API tokens');
  token
    .command('create')
    .description('create an org API token (printed once; only its hash is stored)')
    .requiredOption('--org <id>', 'organization id')
    .addOption(new Option('--role <role>', 'role the token acts with').choices(['owner', 'admin']).default('owner'))
    .option('--label <label>', 'what the token is for', 'cli')
    .action((opts) => {
      const ctx = openContext(program.opts().database);
      print(createToken(ctx, opts.org, { kind: 'api', role: opts.role, label: opts.label }, { actor: 'cli', role: 'owner' }));
    });

  const app = program.command('app').description("the vendor's applications that sign people in through seatd (OpenID Connect clients)");
  app
    .command('create')
    .description('register an application; prints its client id and secret (shown once; only a hash is stored)')
    .requiredOption('--name <name>', 'application name, shown to people signing in')
    .option('--redirect-uri <url>', 'where seatd may send the authorization code (repeatable)', collect, [])
    .option('--post-logout-redirect-uri <url>', 'where seatd may send people after signing out (repeatable)', collect, [])
    .action((opts) => {
      const ctx = openContext(program.opts().database);
      print(
        registerApp(ctx, { name: opts.name, redirectUris: opts.redirectUri, postLogoutRedirectUris: opts.postLogoutRedirectUri }, 'cli'),
      );
    });
  app
    .command('list')
    .description('list the registered applications (never their secrets)')
    .action(() => print(listApps(openContext(program.opts().database))));
  app
    .command('delete')
    .description('delete an application: its client id stops authenticating and its tokens stop working')
    .argument('<clientId>', 'the client id (app_…)')
    .action((clientId: string) => {
      deleteApp(openContext(program.opts().database), clientId, 'cli');
      process.stdout.write(`deleted ${clientId}\n`);
    });

  const keys = program.command('keys').description("the OpenID Provider's signing keys");
  keys
    .command('rotate')
    .description('make new signing keys (RS256, ES256); the old ones stay published until tokens they signed have expired')
    .action(() => {
      const ctx = openContext(program.opts().database);
      ensureOpKeys(ctx);
      print(rotateSigningKeys(ctx));
    });

  program
    .command('login-link')
    .description('print a one-time console sign-in link, valid 15 minutes, for an active member')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--email <email>', 'the member to sign in')
    .action((opts) => {
      const ctx = openContext(program.opts().database);
      const link = createLoginLink(ctx, opts.org, opts.email, 'cli');
      process.stdout.write(`${link.url}\n`);
      process.stderr.write(`valid until ${link.expiresAt}, once\n`);
    });

  program
    .command('renew')
    .description('renew every auto-renewing contract whose term has ended, invoicing the seats in use (serve does this on its own)')
    .option('--catch-up', 'also renew contracts more than one term behind, one invoice per missed term')
    .action((opts: { catchUp?: boolean }) => {
      const ctx = openContext(program.opts().database);
      print(renewDueContracts(ctx, { catchUp: opts.catchUp === true }));
      for (const c of overdueContracts(ctx)) {
        process.stderr.write(
          `${c.orgId}: ${c.missedTerms} terms behind since ${c.termStart}; run seatd renew --catch-up to invoice them\n`,
        );
      }
    });

  program
    .command('verify')
    .description('check every seat pool against its ledger and its seat holders, and every invoice against its lines; exit 1 on a finding')
    .action(() => {
      const ctx = openContext(program.opts().database);
      const report = verifyLedgers(ctx);
      print(report);
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
  }
}
