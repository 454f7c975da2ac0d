import type { RequestHandler } from 'express';
import { bearerToken } from '../admin/auth';
import type { DomainContext } from '../domain/context';
import { authenticateToken } from '../domain/orgs/tokens';
import { sendScimError } from './scimError';
import type { Role } from '../domain/seatTypes';

declare module 'express-serve-static-core' {
  interface Request {
    scimOrgId?: string;
    scimActor?: string;
    /** The role the token acts with: its creator's. */
    scimRole?: Role;
  }
}

/** The SCIM bearer token decides the tenant: every query below is scoped to its org. */
export function requireScimToken(ctx: DomainContext): RequestHandler {
  return async (req, res, next) => {
    const presented = bearerToken(req);
    const principal = presented ? await authenticateToken(ctx, 'scim', presented) : null;
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer realm="seatd-scim"');
      return sendScimError(res, 401, undefined, 'A valid SCIM bearer token is required');
    }
    req.scimOrgId = principal.orgId;
    req.scimActor = `scim:${principal.tokenId}`;
    req.scimRole = principal.createdByRole;
    next();
  };
}
