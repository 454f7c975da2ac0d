import { EVENT_TYPES } from '../domain/events/eventTypes';
import { AUDIT_PATHS } from '../domain/audit/auditLog';
import { jsonSchemaOf } from './publicSchemas';

/*
 * The OpenAPI document of the admin API. Request bodies come from the same zod schemas the
 * server validates with (see schemas/), so the document cannot drift from the code there;
 * responses are described here.
 */

type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const body = (name: Parameters<typeof jsonSchemaOf>[0]) => {
  const { $schema: _ignored, ...schema } = jsonSchemaOf(name);
  return { required: true, content: json(schema) };
};
const ok = (description: string, schema: Schema) => ({ description, content: json(schema) });
const orgParam = { name: 'org', in: 'path', required: true, schema: { type: 'string' }, description: 'Organization id (org_…)' };
const idParam = (what: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: `${what} id` });
const errors = {
  '400': problem('Invalid input; `errors[]` names each bad field'),
  '401': problem('Missing or invalid token'),
  '403': problem('The role is not enough'),
  '404': problem('Not found (also for another organization’s resources)'),
};
const orgSecurity = [{ orgToken: [] }, { consoleSession: [] }];
const money = (description: string) => ({ type: 'integer', description: `${description}, in integer minor units (cents)` });
const seatType = { type: 'string', enum: ['standard', 'premium'] };

const feedParams = [
  {
    name: 'after',
    in: 'query',
    description: 'the nextCursor of the previous page; omit to start at the oldest kept event',
    schema: { type: 'string' },
  },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
  { name: 'types', in: 'query', description: 'comma-separated event types', schema: { type: 'string' } },
];
const feedResponses = {
  '200': ok('Events after the cursor, oldest first, in commit order', ref('EventPage')),
  ...errors,
  '410': problem('The cursor is older than what retention kept (EVENT_RETENTION_DAYS)'),
};

const schemas: Record<string, Schema> = {
  Event: {
    type: 'object',
    required: ['id', 'type', 'orgId', 'occurredAt', 'actor', 'data'],
    properties: {
      id: { type: 'string', example: 'evt_0190…' },
      type: { type: 'string', enum: [...EVENT_TYPES] },
      orgId: { type: 'string' },
      occurredAt: { type: 'string', format: 'date-time' },
      actor: {
        type: 'object',
        properties: {
          type: { type: 'string', enum: ['member', 'scim_token', 'api_token', 'operator', 'system', 'idp'] },
          id: { type: ['string', 'null'] },
        },
      },
      data: { type: 'object', description: 'per type; see docs/events.md' },
    },
  },
  WebhookEndpoint: {
    type: 'object',
    required: ['id', 'url', 'types', 'orgId', 'status', 'createdAt', 'updatedAt'],
    properties: {
      id: { type: 'string', example: 'whk_0190…' },
      url: { type: 'string' },
      types: { type: 'array', items: { type: 'string' }, description: 'event types delivered; "*" for all' },
      orgId: { type: ['string', 'null'], description: 'the org whose events it receives; null: every org (operator endpoints)' },
      status: { type: 'string', enum: ['active', 'disabled'] },
      disabledAt: { type: ['string', 'null'] },
      disabledReason: { type: ['string', 'null'] },
      failingSince: { type: ['string', 'null'], description: 'start of the current run of failed attempts' },
      createdAt: { type: 'string' },
      updatedAt: { type: 'string' },
      secret: { type: 'string', description: 'the signing secret: only in the answer that created or rotated it' },
    },
  },
  WebhookDelivery: {
    type: 'object',
    required: ['id', 'eventId', 'eventType', 'status', 'attempts', 'createdAt'],
    properties: {
      id: { type: 'string', description: 'the delivery’s place in the log (a cursor for `before`)' },
      eventId: { type: 'string' },
      eventType: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
      attempts: { type: 'integer' },
      lastError: { type: ['string', 'null'] },
      redelivery: { type: 'boolean' },
      createdAt: { type: 'string' },
      lastAttemptAt: { type: ['string', 'null'] },
      deliveredAt: { type: ['string', 'null'] },
    },
  },
  EventPage: {
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: { data: { type: 'array', items: ref('Event') }, nextCursor: { type: 'string' } },
  },
  ApiToken: {
    type: 'object',
    required: ['id', 'role', 'label', 'createdAt', 'lastUsedAt'],
    properties: {
      id: { type: 'string', example: 'tok_0195f3a1c2d4e5f60718' },
      role: { type: 'string', enum: ['owner', 'admin'] },
      label: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
      lastUsedAt: { type: ['string', 'null'], format: 'date-time', description: 'When it last authenticated a request, to the minute' },
    },
  },
  Problem: {
    type: 'object',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', example: 'urn:seatd:problem:invalid-request' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      errors: {
        type: 'array',
        items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
      },
    },
  },
  App: {
    type: 'object',
    required: ['clientId', 'name', 'redirectUris', 'postLogoutRedirectUris', 'createdAt'],
    properties: {
      clientId: { type: 'string' },
      name: { type: 'string' },
      redirectUris: { type: 'array', items: { type: 'string', format: 'uri' } },
      postLogoutRedirectUris: { type: 'array', items: { type: 'string', format: 'uri' } },
      createdAt: { type: 'string', format: 'date-time' },
    },
  },
  RegisteredApp: {
    allOf: [
      ref('App'),
      {
        type: 'object',
        required: ['clientSecret'],
        properties: { clientSecret: { type: 'string', description: 'Shown once; only its hash is kept' } },
      },
    ],
  },
  SeatPool: {
    type: 'object',
    required: ['purchased', 'assigned', 'available'],
    properties: { purchased: { type: 'integer' }, assigned: { type: 'integer' }, available: { type: 'integer' } },
  },
  SeatUsage: {
    type: 'object',
    required: ['standard', 'premium', 'term'],
    properties: {
      standard: ref('SeatPool'),
      premium: ref('SeatPool'),
      term: {
        type: 'object',
        required: ['start', 'end'],
        properties: { start: { type: 'string', format: 'date' }, end: { type: 'string', format: 'date' } },
      },
    },
  },
  Line: {
    type: 'object',
    required: ['kind', 'seatType', 'quantity', 'unitAmount', 'amount', 'description'],
    properties: {
      kind: { type: 'string', enum: ['add_standard', 'add_premium', 'upgrade_standard_to_premium', 'renew_standard', 'renew_premium'] },
      seatType,
      quantity: { type: 'integer' },
      unitAmount: money('One seat, prorated'),
      amount: money('quantity × annual price × remaining months / 12, rounded half-up once for the line'),
      description: { type: 'string' },
    },
  },
  Quote: {
    type: 'object',
    required: ['currency', 'effectiveDate', 'termStart', 'termEnd', 'remainingMonths', 'lines', 'total', 'seatsAfter'],
    properties: {
      currency: { type: 'string' },
      effectiveDate: { type: 'string', format: 'date' },
      termStart: { type: 'string', format: 'date' },
      termEnd: { type: 'string', format: 'date' },
      remainingMonths: { type: 'integer', minimum: 1, maximum: 12 },
      lines: { type: 'array', items: ref('Line') },
      total: money('Sum of the lines'),
      seatsAfter: { type: 'object', description: 'Purchased seats per type after the change' },
    },
  },
  Invoice: {
    type: 'object',
    required: ['id', 'number', 'issuedAt', 'effectiveDate', 'remainingMonths', 'currency', 'lines', 'total'],
    properties: {
      id: { type: 'string' },
      number: { type: 'string', example: 'INV-2026-000001' },
      issuedAt: { type: 'string', format: 'date-time' },
      effectiveDate: { type: 'string', format: 'date' },
      remainingMonths: { type: 'integer' },
      currency: { type: 'string' },
      lines: { type: 'array', items: ref('Line') },
      total: money('Sum of the lines'),
    },
  },
  Renewal: {
    type: 'object',
    required: ['autoRenew', 'currency', 'currentTermEnd', 'nextTerm', 'seats', 'lines', 'total'],
    properties: {
      autoRenew: { type: 'boolean' },
      currency: { type: 'string' },
      currentTermEnd: { type: 'string', format: 'date' },
      nextTerm: { type: 'object' },
      seats: { type: 'object', description: 'Seats in use per type, which the renewal takes' },
      lines: { type: 'array', items: ref('Line') },
      total: money('Price of the next term'),
    },
  },
  Member: {
    type: 'object',
    required: ['id', 'email', 'role', 'status', 'seatType', 'holdsSeat', 'source'],
    properties: {
      id: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string', enum: ['primary_owner', 'owner', 'admin', 'member'] },
      status: { type: 'string', enum: ['invited', 'active', 'invitation_expired', 'deactivated'] },
      seatType,
      holdsSeat: { type: 'boolean' },
      source: { type: 'string', enum: ['manual', 'jit', 'scim'] },
    },
  },
  Invitation: {
    type: 'object',
    required: ['id', 'email', 'role', 'seatType', 'status', 'expiresAt'],
    properties: {
      id: { type: 'string' },
      memberId: { type: ['string', 'null'] },
      email: { type: 'string' },
      role: { type: 'string' },
      seatType,
      status: { type: 'string', enum: ['pending', 'accepted', 'expired', 'revoked', 'superseded'] },
      expiresAt: { type: 'string', format: 'date-time' },
    },
  },
  InvitationResult: {
    type: 'object',
    required: ['member', 'invitation', 'delivery'],
    properties: { member: ref('Member'), invitation: ref('Invitation'), delivery: { type: 'string', enum: ['sent', 'failed'] } },
  },
  Alert: {
    type: 'object',
    required: ['id', 'kind', 'seatType', 'status', 'count', 'message'],
    properties: {
      id: { type: 'string' },
      kind: { type: 'string', enum: ['pool_threshold', 'seat_refused'] },
      seatType,
      threshold: { type: ['integer', 'null'] },
      status: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] },
      count: { type: 'integer' },
      message: { type: 'string' },
      refusedPeople: { type: 'array', items: { type: 'object' } },
    },
  },
};

/** The same endpoint routes for the operator and for an org's owners. */
function webhookPaths(base: string, parameters: object[], security: object[], who: string) {
  const id = [...parameters, idParam('Webhook')];
  return {
    [base]: {
      post: {
        summary: `Register a webhook endpoint (${who}); the signing secret is in this answer only`,
        security,
        parameters,
        requestBody: body('webhook'),
        responses: { '201': ok('Created, with `secret`', ref('WebhookEndpoint')), ...errors },
      },
      get: {
        summary: `List webhook endpoints (${who}); never the secret`,
        security,
        parameters,
        responses: {
          '200': ok('Endpoints', { type: 'object', properties: { data: { type: 'array', items: ref('WebhookEndpoint') } } }),
          ...errors,
        },
      },
    },
    [`${base}/{id}`]: {
      get: {
        summary: 'One webhook endpoint',
        security,
        parameters: id,
        responses: { '200': ok('Endpoint', ref('WebhookEndpoint')), ...errors },
      },
      patch: {
        summary: 'Change the URL or types, turn it back on (`enabled: true`) or off, rotate the secret (shown once)',
        security,
        parameters: id,
        requestBody: body('webhook-patch'),
        responses: { '200': ok('Endpoint', ref('WebhookEndpoint')), ...errors },
      },
      delete: {
        summary: 'Delete the endpoint and its delivery log',
        security,
        parameters: id,
        responses: { '204': { description: 'Deleted' }, ...errors },
      },
    },
    [`${base}/{id}/deliveries`]: {
      get: {
        summary: 'The delivery log, newest first',
        security,
        parameters: [
          ...id,
          { name: 'before', in: 'query', description: 'the nextCursor of the previous page', schema: { type: 'integer' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: {
          '200': ok('Deliveries', {
            type: 'object',
            properties: { data: { type: 'array', items: ref('WebhookDelivery') }, nextCursor: { type: ['string', 'null'] } },
          }),
          ...errors,
        },
      },
    },
    [`${base}/{id}/deliveries/{eventId}/redeliver`]: {
      post: {
        summary: 'Deliver one event again (same event id), after what is queued',
        security,
        parameters: [...id, { name: 'eventId', in: 'path', required: true, schema: { type: 'string' }, description: 'Event id (evt_…)' }],
        responses: { '202': ok('Queued', ref('WebhookDelivery')), ...errors },
      },
    },
  };
}

export function openApiDocument(publicUrl: string) {
  const seatChange = body('seat-change');
  return {
    openapi: '3.1.0',
    info: {
      title: 'seatd admin API',
      version: '0.1.0',
      description: 'Operator and org API of seatd. Money is in integer minor units. Errors are application/problem+json.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: {
        operatorToken: { type: 'http', scheme: 'bearer', description: 'SEATD_OPERATOR_TOKEN' },
        orgToken: { type: 'http', scheme: 'bearer', description: 'An org API token (sdapi_…), role owner or admin' },
        consoleSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'seatd_session',
          description: 'A console session; writes also need the X-CSRF-Token header',
        },
      },
      schemas,
    },
    paths: {
      '/healthz': { get: { summary: 'Health', security: [], responses: { '200': ok('The database answers', { type: 'object' }) } } },
      '/api/v1/events': {
        get: {
          summary: 'The event feed of every org (operator)',
          security: [{ operatorToken: [] }],
          parameters: feedParams,
          responses: feedResponses,
        },
      },
      '/api/v1/orgs/{org}/events': {
        get: {
          summary: 'The org’s event feed (admins)',
          security: orgSecurity,
          parameters: [orgParam, ...feedParams],
          responses: feedResponses,
        },
      },
      ...webhookPaths('/api/v1/webhooks', [], [{ operatorToken: [] }], 'the operator'),
      ...webhookPaths('/api/v1/orgs/{org}/webhooks', [orgParam], orgSecurity, 'the org’s owners'),
      '/api/v1/orgs': {
        post: {
          summary: 'Create an organization with its contract; invites the primary owner',
          security: [{ operatorToken: [] }],
          requestBody: body('create-org'),
          responses: {
            '201': ok('Created', { type: 'object', required: ['id'] }),
            ...errors,
            '409': problem('A domain is already verified by another org'),
          },
        },
      },
      '/api/v1/apps': {
        post: {
          summary: 'Register an application that signs people in through seatd (an OpenID Connect client); the secret is shown once',
          security: [{ operatorToken: [] }],
          requestBody: body('app'),
          responses: { '201': ok('Registered', ref('RegisteredApp')), ...errors },
        },
        get: {
          summary: 'The registered applications (never their secrets)',
          security: [{ operatorToken: [] }],
          responses: { '200': ok('Applications', { type: 'array', items: ref('App') }), ...errors },
        },
      },
      '/api/v1/apps/{clientId}': {
        delete: {
          summary: 'Delete an application: its client id stops authenticating and its tokens stop working',
          security: [{ operatorToken: [] }],
          parameters: [{ name: 'clientId', in: 'path', required: true, schema: { type: 'string' }, description: 'Client id (app_…)' }],
          responses: { '204': { description: 'Deleted' }, ...errors },
        },
      },
      '/api/v1/orgs/{org}': {
        get: {
          summary: 'An organization',
          security: [{ operatorToken: [] }],
          parameters: [orgParam],
          responses: { '200': ok('The org', { type: 'object' }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/api-tokens': {
        post: {
          summary: 'Create an org API token (shown once)',
          security: [{ operatorToken: [] }],
          parameters: [orgParam],
          requestBody: body('api-token'),
          responses: { '201': ok('The token, shown once', { type: 'object', required: ['token'] }), ...errors },
        },
        get: {
          summary: "The org's live API tokens, never their secrets (the operator or the org's owners)",
          security: [{ operatorToken: [] }, ...orgSecurity],
          parameters: [orgParam],
          responses: { '200': ok('Tokens, oldest first', { type: 'array', items: ref('ApiToken') }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/api-tokens/{id}': {
        delete: {
          summary: "Revoke an API token at once: it answers 401 from then on (the operator or the org's owners; audited)",
          security: [{ operatorToken: [] }, ...orgSecurity],
          parameters: [orgParam, idParam('Token')],
          responses: { '204': { description: 'Revoked' }, ...errors },
        },
      },
      '/api/v1/orgs/{org}/seats': {
        get: {
          summary: 'Seat usage per type',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('Seats', ref('SeatUsage')), ...errors },
        },
      },
      '/api/v1/orgs/{org}/seats/quote': {
        post: {
          summary: 'Price a change; nothing is stored',
          security: orgSecurity,
          parameters: [orgParam],
          requestBody: seatChange,
          responses: { '200': ok('The quote', ref('Quote')), ...errors },
        },
      },
      '/api/v1/orgs/{org}/seats/purchases': {
        post: {
          summary: 'Buy a change, invoiced at once (owners)',
          security: orgSecurity,
          parameters: [orgParam, { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', maxLength: 200 } }],
          requestBody: seatChange,
          responses: {
            '201': ok('Invoiced', { type: 'object', properties: { invoice: ref('Invoice') } }),
            '200': ok('A replay: the invoice of the first request', { type: 'object', properties: { invoice: ref('Invoice') } }),
            ...errors,
            '409': problem('Same key with another change, or not enough free Standard seats to upgrade'),
          },
        },
      },
      '/api/v1/orgs/{org}/seats/forecast': {
        get: {
          summary: 'When each pool runs out at the last 30 days’ rate',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('Forecast', { type: 'object' }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/invoices': {
        get: {
          summary: 'Invoices with their lines, newest first, one page at a time (owners)',
          security: orgSecurity,
          parameters: [
            orgParam,
            {
              name: 'limit',
              in: 'query',
              description: 'invoices per page (default 100)',
              schema: { type: 'integer', minimum: 1, maximum: 500 },
            },
            {
              name: 'cursor',
              in: 'query',
              description: 'the nextCursor of the previous page; absent for the newest page',
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': ok('A page of invoices', {
              type: 'object',
              required: ['invoices', 'nextCursor'],
              properties: {
                invoices: { type: 'array', items: ref('Invoice') },
                nextCursor: { type: ['string', 'null'], description: 'pass as cursor for the next page; null on the last page' },
              },
            }),
            ...errors,
          },
        },
      },
      '/api/v1/orgs/{org}/invoices/{id}.pdf': {
        get: {
          summary: 'The invoice as a PDF: seller, bill-to, status, lines with their periods and price derivation, total (owners)',
          security: orgSecurity,
          parameters: [orgParam, idParam('Invoice')],
          responses: {
            '200': {
              description: 'The PDF, as an attachment named after the invoice number',
              content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
            },
            ...errors,
          },
        },
      },
      '/api/v1/orgs/{org}/invoices/{id}': {
        get: {
          summary: 'One invoice (owners)',
          security: orgSecurity,
          parameters: [orgParam, idParam('Invoice')],
          responses: { '200': ok('Invoice', ref('Invoice')), ...errors },
        },
      },
      '/api/v1/orgs/{org}/renewal': {
        get: {
          summary: 'The renewal quote (owners)',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('Renewal', ref('Renewal')), ...errors },
        },
      },
      '/api/v1/orgs/{org}/audit': {
        get: {
          summary: 'Audit log, newest first',
          security: orgSecurity,
          parameters: [
            orgParam,
            { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 500 } },
            { name: 'before', in: 'query', schema: { type: 'integer' } },
            {
              name: 'action',
              in: 'query',
              description: 'exact action, or a prefix ending in "." (e.g. "member.")',
              schema: { type: 'string' },
            },
            { name: 'outcome', in: 'query', schema: { type: 'string', enum: ['success', 'refused', 'failure'] } },
            { name: 'target', in: 'query', description: 'the person or thing acted on, e.g. an email', schema: { type: 'string' } },
            {
              name: 'from',
              in: 'query',
              description: 'entries at or after this instant (ISO 8601)',
              schema: { type: 'string', format: 'date-time' },
            },
            {
              name: 'to',
              in: 'query',
              description: 'entries before this instant (ISO 8601)',
              schema: { type: 'string', format: 'date-time' },
            },
            {
              name: 'path',
              in: 'query',
              description: 'how the change came: an invitation, SSO (JIT), SCIM, the console or the API',
              schema: { type: 'string', enum: [...AUDIT_PATHS] },
            },
          ],
          responses: { '200': ok('Entries', { type: 'object' }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/members': {
        get: {
          summary: 'Members, paged and filtered',
          security: orgSecurity,
          parameters: [
            orgParam,
            ...['status', 'role', 'seatType', 'limit', 'offset'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
          ],
          responses: {
            '200': ok('Members', {
              type: 'object',
              properties: { members: { type: 'array', items: ref('Member') }, total: { type: 'integer' } },
            }),
            ...errors,
          },
        },
        post: {
          summary: 'Invite a person (reserves a seat, mails a single-use link valid 21 days)',
          security: orgSecurity,
          parameters: [orgParam],
          requestBody: body('invite'),
          responses: {
            '201': ok('Invited', ref('InvitationResult')),
            ...errors,
            '409': problem('No free seat, already a member, or SCIM-managed org'),
          },
        },
      },
      '/api/v1/orgs/{org}/members/{id}': {
        get: {
          summary: 'A member',
          security: orgSecurity,
          parameters: [orgParam, idParam('Member')],
          responses: { '200': ok('Member', ref('Member')), ...errors },
        },
        patch: {
          summary: 'Change role, seat type or active, in one transaction',
          security: orgSecurity,
          parameters: [orgParam, idParam('Member')],
          requestBody: body('member-patch'),
          responses: {
            '200': ok('Member', ref('Member')),
            ...errors,
            '409': problem('No free seat of the new type, or the primary owner'),
          },
        },
        delete: {
          summary: 'Remove a member; frees the seat',
          security: orgSecurity,
          parameters: [orgParam, idParam('Member')],
          responses: { '204': { description: 'Removed' }, ...errors },
        },
      },
      '/api/v1/orgs/{org}/invitations': {
        get: {
          summary: 'Invitations',
          security: orgSecurity,
          parameters: [orgParam, { name: 'status', in: 'query', schema: { type: 'string' } }],
          responses: { '200': ok('Invitations', { type: 'object' }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/invitations/{id}/resend': {
        post: {
          summary: 'A new link and a new 21-day window',
          security: orgSecurity,
          parameters: [orgParam, idParam('Invitation')],
          responses: { '200': ok('Re-sent', ref('InvitationResult')), ...errors },
        },
      },
      '/api/v1/orgs/{org}/invitations/{id}': {
        delete: {
          summary: 'Revoke a pending invitation; frees the seat',
          security: orgSecurity,
          parameters: [orgParam, idParam('Invitation')],
          responses: { '200': ok('Revoked', ref('Invitation')), ...errors },
        },
      },
      '/api/v1/orgs/{org}/provisioning': {
        get: {
          summary: 'Provisioning settings',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('Settings', { type: 'object' }), ...errors },
        },
        put: {
          summary: 'Mode, default seat type, group → seat type map',
          security: orgSecurity,
          parameters: [orgParam],
          requestBody: body('provisioning-settings'),
          responses: { '200': ok('Settings', { type: 'object' }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/scim-tokens': {
        post: {
          summary: 'Create a SCIM bearer token for Okta / Entra ID (shown once)',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '201': ok('The token, shown once', { type: 'object', required: ['token'] }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/scim-tokens/{id}': {
        delete: {
          summary: 'Revoke a SCIM token',
          security: orgSecurity,
          parameters: [orgParam, idParam('Token')],
          responses: { '204': { description: 'Revoked' }, ...errors },
        },
      },
      '/api/v1/orgs/{org}/sso/failures': {
        get: {
          summary:
            'Recent failed SSO sign-ins (admins), newest first: {failures: [{kind, reason, minute, count, lastAt, lastDetail}]}, counted per reason and minute',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('Failures', { type: 'object' }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/sso/saml': {
        get: {
          summary:
            'The SAML connection and what to give the IdP: serviceProvider {entityId, acsUrl, metadataUrl, loginUrl, encryptionCertificate when seatd has a key pair}',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('SAML settings', { type: 'object' }), ...errors },
        },
        put: {
          summary:
            'Connect a SAML IdP: {idpMetadataXml} or {entryPoint, idpIssuer, idpCert}, logoutUrl, allowIdpInitiated, signAuthnRequests, signOutAtIdp, attributeMapping',
          security: orgSecurity,
          parameters: [orgParam],
          responses: {
            '200': ok('Saved, with the SP entity ID, ACS and login URLs (and the encryption certificate when configured)', {
              type: 'object',
            }),
            ...errors,
          },
        },
      },
      '/api/v1/orgs/{org}/sso/oidc': {
        put: {
          summary: 'Connect an OpenID Provider: {issuer, clientId, clientSecret, signOutAtIdp, attributeMapping}',
          security: orgSecurity,
          parameters: [orgParam],
          responses: {
            '200': ok('Saved, with the redirect URI (and post-logout redirect URI) to register', { type: 'object' }),
            ...errors,
          },
        },
      },
      '/api/v1/orgs/{org}/alerts': {
        get: {
          summary: 'Seat alerts (?status=open,acknowledged)',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('Alerts', { type: 'object', properties: { alerts: { type: 'array', items: ref('Alert') } } }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/alerts/{id}/ack': {
        post: {
          summary: 'Acknowledge an alert',
          security: orgSecurity,
          parameters: [orgParam, idParam('Alert')],
          responses: { '200': ok('Alert', ref('Alert')), ...errors },
        },
      },
      '/api/v1/orgs/{org}/alert-settings': {
        get: {
          summary: 'Thresholds and webhook',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('Settings', { type: 'object' }), ...errors },
        },
        put: {
          summary: 'Set thresholds and webhook (owners); a new signing secret is shown once',
          security: orgSecurity,
          parameters: [orgParam],
          requestBody: body('alert-settings'),
          responses: { '200': ok('Settings', { type: 'object' }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/alert-deliveries': {
        get: {
          summary: 'Delivery log of alert emails and webhooks',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('Deliveries', { type: 'object' }), ...errors },
        },
      },
      '/api/v1/orgs/{org}/refusals': {
        get: {
          summary: 'People refused for lack of a seat',
          security: orgSecurity,
          parameters: [orgParam],
          responses: { '200': ok('Refusals', { type: 'object' }), ...errors },
        },
      },
    },
  };
}
