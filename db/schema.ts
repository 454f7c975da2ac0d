import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/*
 * Tables of seatd. The seat ledger is append-only (seat_ledger_entries, invoices, invoice_lines
 * and audit_log refuse UPDATE and DELETE through triggers in the migrations); seat_pools is the
 * projection the engine locks on, kept in the same transaction as the entries it sums, and its
 * CHECK constraints make "assigned never exceeds purchased" a property of the database itself.
 */

const createdAt = () => text('created_at').notNull();

export const orgs = sqliteTable('orgs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  provisioningMode: text('provisioning_mode', { enum: ['manual', 'jit', 'scim'] }).notNull(),
  defaultSeatType: text('default_seat_type', { enum: ['standard', 'premium'] })
    .notNull()
    .default('standard'),
  groupSeatTypes: text('group_seat_types', { mode: 'json' }).$type<Record<string, 'standard' | 'premium'>>().notNull().default({}),
  /** Percentages of a pool in use at which an alert opens. */
  alertThresholds: text('alert_thresholds', { mode: 'json' }).$type<number[]>().notNull().default([90, 100]),
  webhookUrl: text('webhook_url'),
  /** The HMAC key webhooks are signed with; kept in clear because signing needs it. */
  webhookSecret: text('webhook_secret'),
  createdAt: createdAt(),
});

export const orgDomains = sqliteTable(
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

export const contracts = sqliteTable('contracts', {
  id: text('id').primaryKey(),
  orgId: text('org_id')
    .notNull()
    .references(() => orgs.id)
    .unique(),
  termStart: text('term_start').notNull(),
  termMonths: integer('term_months').notNull(),
  autoRenew: integer('auto_renew', { mode: 'boolean' }).notNull(),
  currency: text('currency').notNull(),
  standardPriceAmount: integer('standard_price_amount').notNull(),
  premiumPriceAmount: integer('premium_price_amount').notNull(),
  createdAt: createdAt(),
});

export const seatPools = sqliteTable(
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

export const seatLedgerEntries = sqliteTable(
  'seat_ledger_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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

export const invoices = sqliteTable(
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
    totalAmount: integer('total_amount').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('invoices_org_idempotency_unique').on(t.orgId, t.idempotencyKey)],
);

/**
 * The last invoice number issued per issuer prefix and year ("INV-2026-"): taken and advanced by one
 * guarded upsert in the invoicing transaction, so numbers are gapless and never reused, and taking one
 * costs the same however many invoices exist (counting them did not).
 */
export const invoiceCounters = sqliteTable('invoice_counters', {
  prefix: text('prefix').primaryKey(),
  last: integer('last').notNull(),
});

export const invoiceLines = sqliteTable(
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
    amount: integer('amount').notNull(),
    description: text('description').notNull(),
  },
  (t) => [uniqueIndex('invoice_lines_position_unique').on(t.invoiceId, t.position)],
);

export const apiTokens = sqliteTable(
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

export const members = sqliteTable(
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
    scimAttributes: text('scim_attributes', { mode: 'json' }).$type<Record<string, unknown>>(),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('members_org_email_unique').on(t.orgId, t.email),
    uniqueIndex('members_org_user_name_unique').on(t.orgId, sql`lower(${t.userName})`),
    index('members_org_status_idx').on(t.orgId, t.status),
    index('members_org_external_id_idx').on(t.orgId, t.externalId),
    /** Lists page in creation order (rowid) with OFFSET over this index, the org's narrowest: (org_id) → rowid. */
    index('members_org_idx').on(t.orgId),
  ],
);

export const invitations = sqliteTable(
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

export const seatRefusals = sqliteTable(
  'seat_refusals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orgId: text('org_id'),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome', { enum: ['success', 'refused', 'failure'] }).notNull(),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_org_idx').on(t.orgId, t.id)],
);

export const alerts = sqliteTable(
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

export const alertDeliveries = sqliteTable(
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
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    deliveredAt: text('delivered_at'),
    /** The worker process sending it; another may take it over once `leaseUntil` has passed (a crashed sender). */
    claimedBy: text('claimed_by'),
    leaseUntil: text('lease_until'),
  },
  (t) => [index('alert_deliveries_due_idx').on(t.status, t.nextAttemptAt), index('alert_deliveries_org_idx').on(t.orgId, t.createdAt)],
);

export const sessions = sqliteTable(
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

export const loginLinks = sqliteTable('login_links', {
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

export const scimGroups = sqliteTable(
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

export const scimGroupMembers = sqliteTable(
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

export const ssoConnections = sqliteTable(
  'sso_connections',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    kind: text('kind', { enum: ['saml', 'oidc'] }).notNull(),
    config: text('config', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
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
export const samlRequests = sqliteTable('saml_requests', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  /** sha256 of the sign-in cookie of the browser that asked: the answer is accepted in that browser only. */
  browserHash: text('browser_hash'),
  createdAt: createdAt(),
  expiresAt: text('expires_at').notNull(),
});

/** Assertion ids already used, kept until they would have expired anyway: a replayed assertion is refused. */
export const samlAssertions = sqliteTable('saml_assertions', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  expiresAt: text('expires_at').notNull(),
});

/** An OIDC sign-in in flight: PKCE verifier and nonce, found by the state the IdP sends back, used once. */
export const oidcLogins = sqliteTable('oidc_logins', {
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
export const signInFailures = sqliteTable(
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
 * Every change as an event, written in the same transaction as the change (a transactional outbox)
 * and never updated. `seq` is the feed's cursor: SQLite has one writer at a time, so sequence
 * order is commit order and a reader polling `seq > cursor` never skips a later-committing event.
 */
export const events = sqliteTable(
  'events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    type: text('type').notNull(),
    orgId: text('org_id').notNull(),
    occurredAt: text('occurred_at').notNull(),
    actor: text('actor', { mode: 'json' }).$type<{ type: string; id: string | null }>().notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    uniqueIndex('events_id_unique').on(t.id),
    index('events_org_seq_idx').on(t.orgId, t.seq),
    index('events_occurred_idx').on(t.occurredAt),
  ],
);

/** The highest event sequence number the retention sweep has deleted: a cursor at or below it has lost events. */
export const eventRetention = sqliteTable('event_retention', {
  id: integer('id').primaryKey(),
  deletedThrough: integer('deleted_through').notNull(),
});

/** Periodic work that one process of several does per interval (the server's housekeeping): who holds it, until when. */
export const sweepLeases = sqliteTable('sweep_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  until: text('until').notNull(),
});

/**
 * Where events are delivered as signed webhooks. Events are matched lazily: `cursor` is the last
 * event sequence number considered, and the worker holding the endpoint's lease queues what came
 * after it. One lease per endpoint keeps its deliveries in order and sent by one process at a time.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    /** The org whose events it receives; null: every org's (operator endpoints only). */
    orgId: text('org_id').references(() => orgs.id),
    /** Who manages it and is told when it is disabled: the operator, or the org's owners. */
    managedBy: text('managed_by', { enum: ['operator', 'org'] }).notNull(),
    url: text('url').notNull(),
    /** Event types delivered; empty: all of them. */
    types: text('types', { mode: 'json' }).$type<string[]>().notNull(),
    /** The HMAC key deliveries are signed with; kept in clear because signing needs it. */
    secret: text('secret').notNull(),
    status: text('status', { enum: ['active', 'disabled'] }).notNull(),
    disabledAt: text('disabled_at'),
    disabledReason: text('disabled_reason'),
    cursor: integer('cursor').notNull(),
    /** When the current run of failed attempts began; null after a success. */
    failingSince: text('failing_since'),
    /** The head delivery's next attempt after a failure (backoff); null: now. */
    nextAttemptAt: text('next_attempt_at'),
    claimedBy: text('claimed_by'),
    leaseUntil: text('lease_until'),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.orgId)],
);

/** The delivery log: one row per event queued for an endpoint (and per redelivery), sent in `seq` order. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    endpointId: text('endpoint_id').notNull(),
    eventSeq: integer('event_seq').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    redelivery: integer('redelivery', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    lastAttemptAt: text('last_attempt_at'),
    deliveredAt: text('delivered_at'),
  },
  (t) => [index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.status, t.seq)],
);

/** The vendor's applications that sign people in through seatd (OAuth clients); only a hash of the secret is kept. */
export const apps = sqliteTable('apps', {
  clientId: text('client_id').primaryKey(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  redirectUris: text('redirect_uris', { mode: 'json' }).$type<string[]>().notNull(),
  postLogoutRedirectUris: text('post_logout_redirect_uris', { mode: 'json' }).$type<string[]>().notNull(),
  createdAt: createdAt(),
});

/**
 * The OpenID Provider's state (interactions, sessions, grants, codes, tokens), one row per stored
 * object, so that every seatd process on the database serves one flow. Rows past expires_at (ms
 * since the epoch) are dead and swept.
 */
export const opRecords = sqliteTable(
  'op_records',
  {
    model: text('model').notNull(),
    id: text('id').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    grantId: text('grant_id'),
    uid: text('uid'),
    expiresAt: integer('expires_at'),
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
export const opKeys = sqliteTable('op_keys', {
  kid: text('kid').primaryKey(),
  use: text('use', { enum: ['signing', 'cookie'] }).notNull(),
  jwk: text('jwk', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
  supersededAt: text('superseded_at'),
});
