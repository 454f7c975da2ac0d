import 'dotenv/config';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';

/** Failed authentications one client address may make per minute before it gets 429s. */
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_PATH: z.string().min(1).default('./data/seatd.db'),
  DATABASE_CACHE_MB: z.coerce.number().int().min(1).max(65536).default(64),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  SEATD_OPERATOR_TOKEN: z.string().min(16, 'SEATD_OPERATOR_TOKEN must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('seatd <no-reply@localhost>'),
  OUTBOX_DIR: z.string().default('./data/outbox'),
  INVITATION_SWEEP_SECONDS: z.coerce.number().int().positive().default(60),
  ALERT_DELIVERY_SECONDS: z.coerce.number().int().positive().default(5),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_AUTH_FAILURES_PER_MINUTE),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(false|true|loopback|linklocal|uniquelocal|\d+|[0-9a-fA-F.:/,\s]+)$/,
      'must be false, a hop count, loopback, or addresses/CIDRs',
    )
    .default('false'),
  OUTBOUND_ALLOW_PRIVATE_NETWORKS: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  SAML_SP_KEY_FILE: z.string().min(1).optional(),
  SAML_SP_CERT_FILE: z.string().min(1).optional(),
});

export type Config = {
  port: number;
  host: string;
  databasePath: string;
  databaseCacheMb: number;
  publicUrl: string;
  operatorToken: string | undefined;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  smtpUrl: string | undefined;
  mailFrom: string;
  outboxDir: string;
  invitationSweepSeconds: number;
  alertDeliverySeconds: number;
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
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    databasePath: c.DATABASE_PATH,
    databaseCacheMb: c.DATABASE_CACHE_MB,
    publicUrl: c.PUBLIC_URL.replace(/\/+$/, ''),
    operatorToken: c.SEATD_OPERATOR_TOKEN || undefined,
    logLevel: c.LOG_LEVEL,
    smtpUrl: c.SMTP_URL || undefined,
    mailFrom: c.MAIL_FROM,
    outboxDir: c.OUTBOX_DIR,
    invitationSweepSeconds: c.INVITATION_SWEEP_SECONDS,
    alertDeliverySeconds: c.ALERT_DELIVERY_SECONDS,
    metricsToken: c.METRICS_TOKEN || undefined,
    metricsPort: c.METRICS_PORT,
    authFailuresPerMinute: c.AUTH_FAILURES_PER_MINUTE,
    eventRetentionDays: c.EVENT_RETENTION_DAYS,
    metricsHost: c.METRICS_HOST,
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
