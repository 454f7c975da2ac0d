import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

/*
 * The tables of db/schema.ts in PostgreSQL's dialect: same names, columns, indexes, uniques, CHECKs
 * and foreign keys, and the same row types (db/schemaParity.ts fails the build otherwise). Dates and
 * timestamps stay ISO text, as in SQLite, so comparisons and the code reading them are the same;
 * the database is created with the C collation and ctype (docs/postgresql.md), so text sorts by
 * bytes and lower() folds ASCII only, as in SQLite. Append-only triggers, the events' transaction
 * id and the seed rows are in the hand-written migrations of db/migrations-pg/.
 *
 * Wider than SQLite's defaults where values outgrow 32 bits: ids and sequence numbers, invoice
 * amounts (a change of 10^6 seats at 10^8 minor units), the provider's expiry in epoch ms.
 */

const createdAt = () => text('created_at').notNull();

export const orgs = pgTable('orgs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  provisioningMode: text('provisioning_mode', { enum: ['manual', 'jit', 'scim'] }).notNull(),
  defaultSeatType: text('default_seat_type', { enum: ['standard', 'premium'] })
    .notNull()
    .default('standard'),
  groupSeatTypes: jsonb('group_seat_types').$type<Record<string, 'standard' | 'premium'>>().notNull().default({}),
  /** Percentages of a pool in use at which an alert opens. */
  alertThresholds: jsonb('alert_thresholds').$type<number[]>().notNull().default([90, 100]),
  webhookUrl: text('webhook_url'),
  /** The HMAC key webhooks are signed with; kept in clear because signing needs it. */
  webhookSecret: text('webhook_secret'),
  createdAt: createdAt(),
});

export const orgDomains = pgTable(
  'org_domains',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    domain: text('domain').notNull(),
    verifiedAt: text('verified_at').notNull(),
  },
  (t) => [uniqueIndex('org_domains_domain_unique').on(t.domain), index('org_domains_org_idx').on(t.orgId)],
);

export const contracts = pgTable('contracts', {
  id: text('id').primaryKey(),
  orgId: text('org_id')
    .notNull()
    .references(() => orgs.id)
    .unique(),
  termStart: text('term_start').notNull(),
  termMonths: integer('term_months').notNull(),
  autoRenew: boolean('auto_renew').notNull(),
  currency: text('currency').notNull(),
  standardPriceAmount: integer('standard_price_amount').notNull(),
  premiumPriceAmount: integer('premium_price_amount').notNull(),
  createdAt: createdAt(),
});

export const seatPools = pgTable(
  'seat_pools',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    seatType: text('seat_type', { enum: ['standard', 'premium'] }).notNull(),
    purchased: integer('purchased').notNull(),
    assigned: integer('assigned').notNull(),
  },
  (t) => [
    uniqueIndex('seat_pools_org_type_unique').on(t.orgId, t.seatType),
    check('seat_pools_assigned_within_purchased', sql`${t.assigned} >= 0 AND ${t.assigned} <= ${t.purchased}`),
  ],
);

export const seatLedgerEntries = pgTable(
  'seat_ledger_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    /** initial purchase, add, upgrade, or renew: at a renewal the pool becomes the seats in use (a delta ≤ 0). */
    kind: text('kind', { enum: ['initial', 'add', 'upgrade', 'renew'] }).notNull(),
    seatType: text('seat_type', { enum: ['standard', 'premium'] }).notNull(),
    /** Change to the purchased count of this seat type; an upgrade writes −n standard and +n premium. */
    purchasedDelta: integer('purchased_delta').notNull(),
    invoiceId: text('invoice_id').references(() => invoices.id),
    effectiveDate: text('effective_date').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('seat_ledger_entries_org_idx').on(t.orgId)],
);

export const invoices = pgTable(
  'invoices',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    number: text('number').notNull().unique(),
    issuedAt: text('issued_at').notNull(),
    effectiveDate: text('effective_date').notNull(),
    remainingMonths: integer('remaining_months').notNull(),
    currency: text('currency').notNull(),
    totalAmount: bigint('total_amount', { mode: 'number' }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('invoices_org_idempotency_unique').on(t.orgId, t.idempotencyKey)],
);

export const invoiceCounters = pgTable('invoice_counters', {
  prefix: text('prefix').primaryKey(),
  last: integer('last').notNull(),
});

export const invoiceLines = pgTable(
  'invoice_lines',
  {
    invoiceId: text('invoice_id')
      .notNull()
      .references(() => invoices.id),
    position: integer('position').notNull(),
    kind: text('kind').notNull(),
    seatType: text('seat_type', { enum: ['standard', 'premium'] }).notNull(),
    quantity: integer('quantity').notNull(),
    unitAmount: integer('unit_amount').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    description: text('description').notNull(),
  },
  (t) => [uniqueIndex('invoice_lines_position_unique').on(t.invoiceId, t.position)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    kind: text('kind', { enum: ['api', 'scim'] }).notNull(),
    role: text('role', { enum: ['owner', 'admin'] }),
    label: text('label').notNull(),
    /** sha256 of the secret part; the secret itself is shown once and never stored. */
    secretHash: text('secret_hash').notNull(),
    /** The role of whoever created the token: a SCIM token acts with it, never above. Null for tokens older than the rule (treated as admin). */
    createdByRole: text('created_by_role', { enum: ['primary_owner', 'owner', 'admin', 'member'] }),
    createdAt: createdAt(),
    revokedAt: text('revoked_at'),
    /** When the token last authenticated a request, to the minute (see tokens.ts). */
    lastUsedAt: text('last_used_at'),
  },
  (t) => [index('api_tokens_org_idx').on(t.orgId)],
);

export const members = pgTable(
  'members',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    email: text('email').notNull(),
    /** SCIM userName as the IdP sent it; the email unless it sends another (Entra's UPN, say). Unique without regard to case. */
    userName: text('user_name'),
    role: text('role', { enum: ['primary_owner', 'owner', 'admin', 'member'] }).notNull(),
    /** invited and active members hold a seat; the others do not. */
    status: text('status', { enum: ['invited', 'active', 'invitation_expired', 'deactivated'] }).notNull(),
    seatType: text('seat_type', { enum: ['standard', 'premium'] }).notNull(),
    source: text('source', { enum: ['manual', 'jit', 'scim'] }).notNull(),
    givenName: text('given_name'),
    familyName: text('family_name'),
    displayName: text('display_name'),
    externalId: text('external_id'),
    scimAttributes: jsonb('scim_attributes').$type<Record<string, unknown>>(),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
    /**
     * Creation order, which member lists page by. SQLite numbers rows itself (its rowid); here an
     * identity column of the same name does, so the one query (`members.rowid`) serves both (ADR 0072).
     */
    rowid: bigint('rowid', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
  },
  (t) => [
    uniqueIndex('members_org_email_unique').on(t.orgId, t.email),
    uniqueIndex('members_org_user_name_unique').on(t.orgId, sql`lower(${t.userName})`),
    index('members_org_status_idx').on(t.orgId, t.status),
    index('members_org_external_id_idx').on(t.orgId, t.externalId),
    index('members_org_idx').on(t.orgId, t.rowid),
  ],
);

export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    /** Null once the member is removed; the invitation row stays as history. */
    memberId: text('member_id').references(() => members.id, { onDelete: 'set null' }),
    email: text('email').notNull(),
    role: text('role', { enum: ['primary_owner', 'owner', 'admin', 'member'] }).notNull(),
    seatType: text('seat_type', { enum: ['standard', 'premium'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    status: text('status', { enum: ['pending', 'accepted', 'expired', 'revoked', 'superseded'] }).notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: createdAt(),
    expiresAt: text('expires_at').notNull(),
    endedAt: text('ended_at'),
  },
  (t) => [index('invitations_org_status_idx').on(t.orgId, t.status), index('invitations_status_expires_idx').on(t.status, t.expiresAt)],
);

export const seatRefusals = pgTable(
  'seat_refusals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    email: text('email').notNull(),
    path: text('path', { enum: ['invite', 'jit', 'scim'] }).notNull(),
    seatType: text('seat_type', { enum: ['standard', 'premium'] }).notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('seat_refusals_org_idx').on(t.orgId, t.at)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    orgId: text('org_id'),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome', { enum: ['success', 'refused', 'failure'] }).notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_org_idx').on(t.orgId, t.id)],
);

export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    kind: text('kind', { enum: ['pool_threshold', 'seat_refused'] }).notNull(),
    seatType: text('seat_type', { enum: ['standard', 'premium'] }).notNull(),
    /** Percentage for pool_threshold alerts; null for seat_refused. */
    threshold: integer('threshold'),
    status: text('status', { enum: ['open', 'acknowledged', 'resolved'] }).notNull(),
    /** Refusals folded into this alert (seat_refused), or 1. */
    eventCount: integer('event_count').notNull(),
    openedAt: text('opened_at').notNull(),
    lastEventAt: text('last_event_at').notNull(),
    acknowledgedAt: text('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: text('resolved_at'),
    resolvedReason: text('resolved_reason'),
  },
  (t) => [index('alerts_org_status_idx').on(t.orgId, t.status), index('alerts_org_kind_idx').on(t.orgId, t.kind, t.seatType)],
);

export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id),
    channel: text('channel', { enum: ['email', 'webhook'] }).notNull(),
    event: text('event').notNull(),
    /** For email: the recipient; for webhook: the URL at the time of the event. */
    destination: text('destination').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /** The worker process sending it; another may take it over once `leaseUntil` has passed (a crashed sender). */
    claimedBy: text('claimed_by'),
    leaseUntil: text('lease_until'),
    createdAt: createdAt(),
    deliveredAt: text('delivered_at'),
  },
  (t) => [index('alert_deliveries_due_idx').on(t.status, t.nextAttemptAt), index('alert_deliveries_org_idx').on(t.orgId, t.createdAt)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie's secret; the secret itself is only in the browser. */
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** Synchronizer token that every form and cookie-authenticated API write must echo. */
    csrfToken: text('csrf_token').notNull(),
    via: text('via').notNull(),
    createdAt: createdAt(),
    lastSeenAt: text('last_seen_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    endedAt: text('ended_at'),
    /** For a SAML sign-in: the assertion's NameID and SessionIndex, which an IdP's LogoutRequest names. */
    samlNameId: text('saml_name_id'),
    samlSessionIndex: text('saml_session_index'),
    /** For an OIDC sign-in: the ID token, the id_token_hint of a logout at the IdP (Okta requires one). */
    oidcIdToken: text('oidc_id_token'),
    /** The highest role this session acts with (an SSO sign-in is capped at its connection's editor); null = the member's own. */
    roleCap: text('role_cap', { enum: ['primary_owner', 'owner', 'admin', 'member'] }),
  },
  (t) => [index('sessions_member_idx').on(t.memberId), index('sessions_org_saml_name_id_idx').on(t.orgId, t.samlNameId)],
);

export const loginLinks = pgTable('login_links', {
  tokenHash: text('token_hash').primaryKey(),
  orgId: text('org_id')
    .notNull()
    .references(() => orgs.id),
  memberId: text('member_id')
    .notNull()
    .references(() => members.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  expiresAt: text('expires_at').notNull(),
  usedAt: text('used_at'),
});

export const scimGroups = pgTable(
  'scim_groups',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    displayName: text('display_name').notNull(),
    externalId: text('external_id'),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('scim_groups_org_name_idx').on(t.orgId, t.displayName),
    index('scim_groups_org_created_idx').on(t.orgId, t.createdAt, t.id),
  ],
);

export const scimGroupMembers = pgTable(
  'scim_group_members',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => scimGroups.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('scim_group_members_unique').on(t.groupId, t.memberId), index('scim_group_members_member_idx').on(t.memberId)],
);

export const ssoConnections = pgTable(
  'sso_connections',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    kind: text('kind', { enum: ['saml', 'oidc'] }).notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    /** The role of the connection's last editor: a sign-in through it never grants more. */
    editorRole: text('editor_role', { enum: ['primary_owner', 'owner', 'admin', 'member'] })
      .notNull()
      .default('admin'),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('sso_connections_org_kind_unique').on(t.orgId, t.kind)],
);

/** Outstanding SAML AuthnRequest ids, in the database so every seatd process behind a load balancer agrees. */
export const samlRequests = pgTable('saml_requests', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  /** sha256 of the sign-in cookie of the browser that asked: the answer is accepted in that browser only. */
  browserHash: text('browser_hash'),
  createdAt: createdAt(),
  expiresAt: text('expires_at').notNull(),
});

/** Assertion ids already used, kept until they would have expired anyway: a replayed assertion is refused. */
export const samlAssertions = pgTable('saml_assertions', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  expiresAt: text('expires_at').notNull(),
});

/** An OIDC sign-in in flight: PKCE verifier and nonce, found by the state the IdP sends back, used once. */
export const oidcLogins = pgTable('oidc_logins', {
  stateHash: text('state_hash').primaryKey(),
  orgId: text('org_id').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  nonce: text('nonce').notNull(),
  /** sha256 of the sign-in cookie of the browser that started it: the callback is accepted in that browser only. */
  browserHash: text('browser_hash'),
  createdAt: createdAt(),
  expiresAt: text('expires_at').notNull(),
});

/**
 * Failed unauthenticated attempts (bad SAML responses, bad OIDC callbacks), counted per org, kind,
 * reason and minute: anonymous traffic cannot grow the append-only audit log a row per request.
 */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    orgId: text('org_id').notNull(),
    kind: text('kind').notNull(),
    /** A category in words (signature, audience, expired, …): what an admin looks for, and a bounded key. */
    reason: text('reason').notNull(),
    /** The minute, as an ISO timestamp cut to minutes. */
    minute: text('minute').notNull(),
    count: integer('count').notNull(),
    lastAt: text('last_at').notNull(),
    /** The last failure's own message (shortened), for the admin who needs more than the category. */
    lastDetail: text('last_detail').notNull(),
  },
  (t) => [
    uniqueIndex('sign_in_failures_unique').on(t.orgId, t.kind, t.reason, t.minute),
    index('sign_in_failures_org_idx').on(t.orgId, t.lastAt),
  ],
);

/**
 * Every change as an event, written in the same transaction as the change and never updated. On
 * PostgreSQL sequence numbers are taken at insert and transactions commit in any order, so `seq`
 * alone is not commit order: `xact_id` records the inserting transaction (pg_current_xact_id()),
 * and the feed passes only events whose transaction is older than every one still running,
 * ordered by (xact_id, seq) — docs/events.md. It is PostgreSQL's own column (not in the parity check).
 */
export const events = pgTable(
  'events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    orgId: text('org_id').notNull(),
    occurredAt: text('occurred_at').notNull(),
    actor: jsonb('actor').$type<{ type: string; id: string | null }>().notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    /** The inserting transaction's 64-bit id (xid8 as a number: its epoch will not reach 2^21). */
    xactId: bigint('xact_id', { mode: 'number' })
      .notNull()
      .default(sql`(pg_current_xact_id()::text)::bigint`),
  },
  (t) => [
    uniqueIndex('events_id_unique').on(t.id),
    index('events_org_seq_idx').on(t.orgId, t.seq),
    index('events_occurred_idx').on(t.occurredAt),
    index('events_xact_seq_idx').on(t.xactId, t.seq),
    index('events_org_xact_seq_idx').on(t.orgId, t.xactId, t.seq),
  ],
);

/** The highest event sequence number the retention sweep has deleted: a cursor at or below it has lost events. */
export const eventRetention = pgTable('event_retention', {
  id: integer('id').primaryKey(),
  deletedThrough: bigint('deleted_through', { mode: 'number' }).notNull(),
});

/** Periodic work that one process of several does per interval (the server's housekeeping): who holds it, until when. */
export const sweepLeases = pgTable('sweep_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  until: text('until').notNull(),
});

/** The vendor's applications that sign people in through seatd (OAuth clients); only a hash of the secret is kept. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').references(() => orgs.id),
    managedBy: text('managed_by', { enum: ['operator', 'org'] }).notNull(),
    url: text('url').notNull(),
    types: jsonb('types').$type<string[]>().notNull(),
    secret: text('secret').notNull(),
    status: text('status', { enum: ['active', 'disabled'] }).notNull(),
    disabledAt: text('disabled_at'),
    disabledReason: text('disabled_reason'),
    cursor: bigint('cursor', { mode: 'number' }).notNull(),
    failingSince: text('failing_since'),
    nextAttemptAt: text('next_attempt_at'),
    claimedBy: text('claimed_by'),
    leaseUntil: text('lease_until'),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.orgId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    endpointId: text('endpoint_id').notNull(),
    eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    redelivery: boolean('redelivery').notNull().default(false),
    createdAt: createdAt(),
    lastAttemptAt: text('last_attempt_at'),
    deliveredAt: text('delivered_at'),
  },
  (t) => [index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.status, t.seq)],
);

export const apps = pgTable('apps', {
  clientId: text('client_id').primaryKey(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  redirectUris: jsonb('redirect_uris').$type<string[]>().notNull(),
  postLogoutRedirectUris: jsonb('post_logout_redirect_uris').$type<string[]>().notNull(),
  createdAt: createdAt(),
});

/**
 * The OpenID Provider's state (interactions, sessions, grants, codes, tokens), one row per stored
 * object, so that every seatd process on the database serves one flow. Rows past expires_at (ms
 * since the epoch) are dead and swept.
 */
export const opRecords = pgTable(
  'op_records',
  {
    model: text('model').notNull(),
    id: text('id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    grantId: text('grant_id'),
    uid: text('uid'),
    expiresAt: bigint('expires_at', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('op_records_model_id_unique').on(t.model, t.id),
    index('op_records_grant_idx').on(t.grantId),
    index('op_records_uid_idx').on(t.uid),
    index('op_records_expires_idx').on(t.expiresAt),
  ],
);

/**
 * Keys of the OpenID Provider: token signing keys (private JWKs) and the keys its cookies are signed
 * with. A superseded signing key stays published until tokens it signed have expired.
 */
export const opKeys = pgTable('op_keys', {
  kid: text('kid').primaryKey(),
  use: text('use', { enum: ['signing', 'cookie'] }).notNull(),
  jwk: jsonb('jwk').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
  supersededAt: text('superseded_at'),
});
