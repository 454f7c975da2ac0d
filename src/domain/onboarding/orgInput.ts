import { z } from 'zod';
import { PROVISIONING_MODES, SEAT_TYPES } from '../seatTypes';
import { MAX_ANNUAL_PRICE_AMOUNT, MAX_SEATS_PER_CHANGE } from '../ledger/limits';
import { emailAddress } from '../validation';

const DOMAIN_NAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

export const domainName = z.string().trim().toLowerCase().regex(DOMAIN_NAME, 'must be a domain name such as acme.com');

const minorUnits = z
  .number()
  .int('must be a whole number of minor units (cents)')
  .min(0, 'must not be negative')
  .max(MAX_ANNUAL_PRICE_AMOUNT, `must be at most ${MAX_ANNUAL_PRICE_AMOUNT} minor units a seat and year`);
const seatCount = z
  .number()
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(MAX_SEATS_PER_CHANGE, `must be at most ${MAX_SEATS_PER_CHANGE}`);

export const createOrgInput = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    domains: z.array(domainName).min(1, 'needs at least one verified domain'),
    contract: z.object({
      termStart: z.iso.date('must be a date written YYYY-MM-DD'),
      autoRenew: z.boolean().default(true),
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
      prices: z.object({ standard: minorUnits, premium: minorUnits }),
      seats: z.object({ standard: seatCount, premium: seatCount }),
    }),
    primaryOwnerEmail: emailAddress,
    primaryOwnerName: z
      .strictObject({
        givenName: z.string().trim().min(1, 'is required').max(200),
        familyName: z.string().trim().min(1, 'is required').max(200),
      })
      .optional()
      .describe('The primary owner’s name, shown as SCIM’s name.givenName and name.familyName'),
    provisioningMode: z.enum(PROVISIONING_MODES).default('manual'),
    defaultSeatType: z.enum(SEAT_TYPES).default('standard'),
  })
  .superRefine((org, ctx) => {
    if (new Set(org.domains).size !== org.domains.length) {
      ctx.addIssue({ code: 'custom', path: ['domains'], message: 'lists a domain twice' });
    }
    if (org.contract.prices.premium < org.contract.prices.standard) {
      ctx.addIssue({ code: 'custom', path: ['contract', 'prices', 'premium'], message: 'must not be lower than the standard price' });
    }
    if (org.contract.seats.standard + org.contract.seats.premium < 1) {
      ctx.addIssue({ code: 'custom', path: ['contract', 'seats'], message: 'needs at least one seat, for the primary owner' });
    }
    const ownerDomain = org.primaryOwnerEmail.split('@')[1];
    if (ownerDomain && !org.domains.includes(ownerDomain)) {
      ctx.addIssue({
        code: 'custom',
        path: ['primaryOwnerEmail'],
        message: `domain ${ownerDomain} is not one of the organization's domains`,
      });
    }
  });

export type CreateOrgInput = z.input<typeof createOrgInput>;
