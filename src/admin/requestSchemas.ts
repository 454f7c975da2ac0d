import { z } from 'zod';
import { emailAddress } from '../domain/validation';
import { AUDIT_PATHS } from '../domain/audit/auditLog';
import { MAX_INVOICES_PER_PAGE } from '../domain/ledger/invoiceDocuments';

const count = z.number().int('must be a whole number');

/** Body of POST /seats/quote and /seats/purchases. Unknown keys are refused so a typo is not silently a zero. */
export const seatChangeBody = z.strictObject({
  add: z.strictObject({ standard: count.default(0), premium: count.default(0) }).default({ standard: 0, premium: 0 }),
  upgrade: z.strictObject({ standardToPremium: count.default(0) }).default({ standardToPremium: 0 }),
  effectiveDate: z.iso.date('must be a date written YYYY-MM-DD').optional(),
});

export const apiTokenBody = z.strictObject({
  role: z.enum(['owner', 'admin']),
  label: z.string().trim().min(1, 'is required').max(100),
});

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-03-01T00:00:00Z' });

export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
  action: z.string().trim().min(1).max(100).optional(),
  outcome: z.enum(['success', 'refused', 'failure']).optional(),
  target: z.string().trim().min(1).max(320).optional(),
  from: instant.transform((s) => new Date(s).toISOString()).optional(),
  to: instant.transform((s) => new Date(s).toISOString()).optional(),
  /** How the change came: invite, jit (SSO), scim, console or api. */
  path: z.enum(AUDIT_PATHS).optional(),
});

/** GET /invoices: a page of `limit`, newest first, after the `cursor` the previous page answered as nextCursor. */
export const invoiceListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_INVOICES_PER_PAGE).default(100),
  cursor: z
    .string()
    .regex(/^INV-\d{4}-\d{6,}$/, 'must be the nextCursor of the previous page')
    .optional(),
});

export const memberListQuery = z.object({
  status: z.enum(['invited', 'active', 'invitation_expired', 'deactivated']).optional(),
  role: z.enum(['primary_owner', 'owner', 'admin', 'member']).optional(),
  seatType: z.enum(['standard', 'premium']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const inviteBody = z.strictObject({
  email: emailAddress,
  role: z.enum(['owner', 'admin', 'member']).default('member'),
  seatType: z.enum(['standard', 'premium']).optional(),
});

export const memberPatchBody = z
  .strictObject({
    role: z.enum(['primary_owner', 'owner', 'admin', 'member']).optional(),
    seatType: z.enum(['standard', 'premium']).optional(),
    active: z.boolean().optional(),
  })
  .refine((b) => b.role !== undefined || b.seatType !== undefined || b.active !== undefined, {
    message: 'give at least one of role, seatType, active',
  });

export const invitationListQuery = z.object({
  status: z.enum(['pending', 'accepted', 'expired', 'revoked', 'superseded']).optional(),
});
