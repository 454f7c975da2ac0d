import 'dotenv/config';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';

/** Failed authentications one client address may make per minute before it gets 429s. */
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;

/** The seller on invoices when none is configured (INVOICE_SELLER_NAME, INVOICE_SELLER_ADDRESS). */
export const DEFAULT_SELLER = { name: 'seatd', address: [] as string[] };

/** An email address, bare or with a display name: `no-reply@example.com` or `seatd <no-reply@example.com>`. */
const MAILBOX = /^(?:[^<>@]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

/**
 * Every setting, its default and what it means. docs/configuration.md is generated from these
 * descriptions (npm run docs:config), and a test fails when it is out of date.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port to listen on.'),
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on; a host name that does not resolve stops start-up.'),
  DATABASE_PATH: z
    .string()
    .min(1)
    .default('./data/seatd.db')
    .describe(
      'SQLite database file, created and migrated on first start. A relative path is relative to the folder seatd is started from: give an absolute one outside development.',
    ),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL, postgres://user:password@host:5432/database')
    .optional()
    .describe(
      'PostgreSQL database (`postgres://user:password@host:5432/seatd`) for several seatd processes and hosts; when set, DATABASE_PATH is not used. Created with the C collation (docs/postgresql.md); seatd migrates it on start, and `seatd migrate` does so for deploys.',
    ),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('PostgreSQL connections each seatd process keeps at most (with DATABASE_URL).'),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(30000)
    .describe('PostgreSQL cancels a statement running longer (ms; 0 = never), and ends a session idle inside a transaction for twice as long.'),
  DATABASE_SESSION_SETTINGS: z
    .enum(['startup', 'server'])
    .default('startup')
    .describe(
      "How the timeouts reach PostgreSQL: `startup` sends them with each connection; `server` sends nothing, for a pooler that refuses startup parameters (set them on the role: ALTER ROLE seatd SET statement_timeout = '30s').",
    ),
  DATABASE_CACHE_MB: z.coerce
    .number()
    .int()
    .min(1)
    .max(65536)
    .default(64)
    .describe(
      "SQLite page cache of the server's connection, in MiB; enough for the hot indexes of orgs with tens of thousands of members.",
    ),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL with its scheme, e.g. https://seatd.example.com' })
    .optional()
    .meta({
      description:
        'Externally visible base URL, with its scheme: the issuer of the OpenID Provider, and the base of invitation and sign-in links, SAML metadata and OIDC redirect URIs. An https URL also makes the session cookie Secure.',
      defaultShown: 'http://localhost:<PORT>',
    }),
  SEATD_OPERATOR_TOKEN: z
    .string()
    .min(16, 'SEATD_OPERATOR_TOKEN must be at least 16 characters')
    .optional()
    .describe('Operator API key (at least 16 characters). Unset disables the operator API; the CLI still works.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level. Logs are JSON lines on stdout (CLI commands: on stderr).'),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587' })
    .optional()
    .describe('SMTP server for mail, e.g. `smtp://user:password@mail.example.com:587`. Unset writes each mail to `OUTBOX_DIR` instead.'),
  MAIL_FROM: z
    .string()
    .regex(MAILBOX, 'must be an email address, e.g. seatd <no-reply@example.com>')
    .default('seatd <no-reply@localhost>')
    .describe('Sender of the mail seatd sends (invitations, sign-in links, alerts).'),
  OUTBOX_DIR: z
    .string()
    .default('./data/outbox')
    .describe('Where mail goes as `.eml` files (and a `.txt` copy) when there is no `SMTP_URL`.'),
  INVITATION_SWEEP_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(60)
    .describe(
      'How often expired invitations release their seats (they are also swept on reads and whenever a pool looks full) and ended auto-renewing contracts are renewed (also at start).',
    ),
  ALERT_DELIVERY_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(5)
    .describe(
      'How often the alert outbox and the event webhooks are worked off; both also run as soon as a change queues a delivery or records an event, once that change is committed.',
    ),
  DELIVERY_LEASE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(60)
    .describe(
      'How long a process that took an outbound delivery (an alert, or an endpoint’s webhook events) keeps it before another process may send it: after a crash, delivery resumes once this has passed. Longer than a webhook call may take (10 s).',
    ),
  METRICS_TOKEN: z
    .string()
    .min(16, 'METRICS_TOKEN must be at least 16 characters')
    .optional()
    .describe('Bearer token for `GET /metrics` on the main listener; unset, `/metrics` is served there to nobody (see `METRICS_PORT`).'),
  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe('Starts a second listener that serves `GET /metrics` and nothing else, for a scraper on a private network.'),
  METRICS_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('Interface of the `METRICS_PORT` listener; bind it to a private interface.'),
  EVENT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe(
      'How many days the event feed keeps events; a consumer whose cursor is older gets 410 and starts over from the current state.',
    ),
  AUTH_FAILURES_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(DEFAULT_AUTH_FAILURES_PER_MINUTE)
    .describe(
      'Failed authentications (bad tokens, unknown links, refused sign-ins) one client address may make in a minute; beyond it the address is answered 429 with `Retry-After` until the minute ends.',
    ),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(false|true|loopback|linklocal|uniquelocal|\d+|[0-9a-fA-F.:/,\s]+)$/,
      'must be false, a hop count, loopback, or addresses/CIDRs',
    )
    .default('false')
    .describe(
      "Which reverse proxies to believe about the client address (`X-Forwarded-For`): `false`, a hop count, `loopback`, or addresses/CIDRs. Behind a proxy, set it, or every client shares the proxy's failed-authentication bucket.",
    ),
  OUTBOUND_ALLOW_PRIVATE_NETWORKS: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .describe(
      "`true` lets the calls seatd makes for an org (alert webhooks, OpenID Provider discovery, tokens and UserInfo) go to loopback, private and link-local addresses: a seatd inside one company's network, an on-premises IdP. Off, an org cannot make seatd call inside the network it runs in.",
    ),
  INVOICE_SELLER_NAME: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .default('seatd')
    .describe('The seller named on every invoice (the vendor running seatd), on the page and in the PDF.'),
  INVOICE_SELLER_ADDRESS: z
    .string()
    .max(1000)
    .default('')
    .describe('The seller’s address on invoices, its lines separated by `;` (e.g. `Example Ltd; 1 Main Street; Springfield`).'),
  SAML_SP_KEY_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      "seatd's SAML private key (PEM file; with `SAML_SP_CERT_FILE`, both or neither). IdPs then encrypt assertions to its certificate, and AuthnRequests and LogoutRequests can be signed; unset, encrypted assertions are refused.",
    ),
  SAML_SP_CERT_FILE: z
    .string()
    .min(1)
    .optional()
    .describe("The certificate of `SAML_SP_KEY_FILE` (PEM file), published in every org's SP metadata."),
});

export type Config = {
  port: number;
  host: string;
  databasePath: string;
  databaseUrl: string | undefined;
  databaseCacheMb: number;
  /** PostgreSQL's pool and timeouts (with databaseUrl). */
  postgres: { poolSize: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number; timeoutsFrom: 'startup' | 'server' };
  publicUrl: string;
  operatorToken: string | undefined;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  smtpUrl: string | undefined;
  mailFrom: string;
  outboxDir: string;
  invitationSweepSeconds: number;
  alertDeliverySeconds: number;
  /** How long a claimed delivery is one process's before another may take it over (after a crash). */
  deliveryLeaseSeconds: number;
  metricsToken: string | undefined;
  /** A separate listener that serves /metrics only (for a scraper on a private network), on metricsHost. */
  metricsPort: number | undefined;
  metricsHost: string;
  /** How long the event feed keeps events; a cursor older than that gets 410. */
  eventRetentionDays: number;
  /** Failed authentications per client address and minute before 429s (guessing tokens and links). */
  authFailuresPerMinute: number;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client (rate limits key on it). Off by default. */
  trustProxy: boolean | number | string;
  /** Whether calls made for an org (alert webhooks, its OpenID Provider) may go to private, loopback and link-local addresses (off: a shared seatd must not reach inside). */
  outboundAllowPrivateNetworks: boolean;
  /** seatd's own SAML key pair (PEM): identity providers encrypt assertions to its certificate. */
  samlSp: { key: string; cert: string } | undefined;
  /** Who issues the invoices: a name and address lines. */
  seller: { name: string; address: string[] };
};

/** Reads and checks the SAML service provider key pair: both files or neither, and the certificate must be the key's. */
function loadSamlSp(keyFile: string | undefined, certFile: string | undefined): Config['samlSp'] {
  if (!keyFile && !certFile) return undefined;
  if (!keyFile || !certFile)
    throw new Error('Invalid configuration:\n  SAML_SP_KEY_FILE and SAML_SP_CERT_FILE go together: set both or neither');
  const read = (file: string, name: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`Invalid configuration:\n  ${name}: cannot read ${file} (${(err as Error).message})`);
    }
  };
  const key = read(keyFile, 'SAML_SP_KEY_FILE');
  const cert = read(certFile, 'SAML_SP_CERT_FILE');
  let matches: boolean;
  try {
    matches = new crypto.X509Certificate(cert).checkPrivateKey(crypto.createPrivateKey(key));
  } catch (err) {
    throw new Error(
      `Invalid configuration:\n  SAML_SP_KEY_FILE / SAML_SP_CERT_FILE: not a PEM key and certificate (${(err as Error).message})`,
    );
  }
  if (!matches) throw new Error('Invalid configuration:\n  SAML_SP_CERT_FILE is not the certificate of SAML_SP_KEY_FILE');
  return { key, cert };
}

/** Reads and validates configuration once; a bad value stops start-up with the variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // an empty value (`SMTP_URL=` in a .env file) means unset, as it does for most programs
  const parsed = configSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databasePath: c.DATABASE_PATH,
    databaseUrl: c.DATABASE_URL,
    databaseCacheMb: c.DATABASE_CACHE_MB,
    postgres: {
      poolSize: c.DATABASE_POOL_SIZE,
      statementTimeoutMs: c.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: 2 * c.DATABASE_STATEMENT_TIMEOUT_MS,
      timeoutsFrom: c.DATABASE_SESSION_SETTINGS,
    },
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    operatorToken: c.SEATD_OPERATOR_TOKEN || undefined,
    logLevel: c.LOG_LEVEL,
    smtpUrl: c.SMTP_URL || undefined,
    mailFrom: c.MAIL_FROM,
    outboxDir: c.OUTBOX_DIR,
    invitationSweepSeconds: c.INVITATION_SWEEP_SECONDS,
    alertDeliverySeconds: c.ALERT_DELIVERY_SECONDS,
    deliveryLeaseSeconds: c.DELIVERY_LEASE_SECONDS,
    metricsToken: c.METRICS_TOKEN || undefined,
    metricsPort: c.METRICS_PORT,
    authFailuresPerMinute: c.AUTH_FAILURES_PER_MINUTE,
    eventRetentionDays: c.EVENT_RETENTION_DAYS,
    metricsHost: c.METRICS_HOST,
    seller: {
      name: c.INVOICE_SELLER_NAME,
      address: c.INVOICE_SELLER_ADDRESS.split(';')
        .map((l) => l.trim())
        .filter(Boolean),
    },
    trustProxy:
      c.TRUST_PROXY === 'false'
        ? false
        : c.TRUST_PROXY === 'true'
          ? true
          : /^\d+$/.test(c.TRUST_PROXY)
            ? Number(c.TRUST_PROXY)
            : c.TRUST_PROXY,
    outboundAllowPrivateNetworks: c.OUTBOUND_ALLOW_PRIVATE_NETWORKS === 'true',
    samlSp: loadSamlSp(c.SAML_SP_KEY_FILE, c.SAML_SP_CERT_FILE),
  };
}
