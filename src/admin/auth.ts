import type { NextFunction, Request, RequestHandler, Response } from 'express';
import '../sso/session';
import { digestsEqual, sha256Hex } from '../domain/ids';
import type { DomainContext } from '../domain/context';
import { authenticateToken, type TokenRole } from '../domain/orgs/tokens';
import { sendProblem } from './problem';
import { csrfMatches } from '../web/csrf';

/** Who is calling the org API, and for which org. */
export type OrgPrincipal = { orgId: string; role: TokenRole; actor: string };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: OrgPrincipal;
  }
}

export function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

function unauthorized(res: Response, detail: string): void {
  res.set('WWW-Authenticate', 'Bearer realm="seatd"');
  sendProblem(res, 401, 'unauthorized', 'Unauthorized', detail);
}

/** Whether the request carries the operator token, compared as digests in constant time. */
function presentsOperatorToken(req: Request, expected: string | undefined): boolean {
  const presented = bearerToken(req);
  return Boolean(expected && presented && digestsEqual(sha256Hex(presented), expected));
}

/** The operator token from the environment. Unset means the operator API is off. */
export function requireOperator(operatorToken: string | undefined): RequestHandler {
  const expected = operatorToken ? sha256Hex(operatorToken) : undefined;
  return (req, res, next) => {
    if (!expected) return unauthorized(res, 'The operator API is disabled: set SEATD_OPERATOR_TOKEN to enable it');
    if (!presentsOperatorToken(req, expected)) {
      return unauthorized(res, 'A valid operator token is required (Authorization: Bearer <SEATD_OPERATOR_TOKEN>)');
    }
    next();
  };
}

/** The operator, or the org's own callers with at least `minRole` (for what both may do, such as managing API tokens). */
export function requireOperatorOrOrgRole(ctx: DomainContext, operatorToken: string | undefined, minRole: TokenRole): RequestHandler {
  const expected = operatorToken ? sha256Hex(operatorToken) : undefined;
  const orgRole = requireOrgRole(ctx, minRole);
  return (req, res, next) => {
    if (!presentsOperatorToken(req, expected)) return orgRole(req, res, next);
    req.principal = { orgId: String(req.params.org), role: 'owner', actor: 'operator' };
    next();
  };
}

const RANK: Record<TokenRole, number> = { admin: 1, owner: 2 };

/**
 * Org API access: an org API token (later also a console session) for the org in the path, with
 * at least `minRole`. A token of another org gets 404, so org ids cannot be probed.
 */
export function requireOrgRole(ctx: DomainContext, minRole: TokenRole): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const orgId = String(req.params.org);
    let principal = req.principal;
    if (!principal && !bearerToken(req) && req.session) {
      // A signed-in console session works too; writes must echo its CSRF token.
      const safe = req.method === 'GET' || req.method === 'HEAD';
      if (!safe && !csrfMatches(req)) {
        return sendProblem(res, 403, 'csrf', 'Forbidden', 'A request signed in by session cookie must send the X-CSRF-Token header');
      }
      const role = req.session.member.role;
      if (role === 'member') return sendProblem(res, 403, 'forbidden', 'Forbidden', 'Members have no access to the org API');
      principal = { orgId: req.session.orgId, role: role === 'admin' ? 'admin' : 'owner', actor: `member:${req.session.member.id}` };
    }
    if (!principal) {
      const presented = bearerToken(req);
      if (!presented) return unauthorized(res, 'An org API token or a console session is required (Authorization: Bearer <token>)');
      const found = await authenticateToken(ctx, 'api', presented);
      if (!found || !found.role) return unauthorized(res, 'The API token is not valid or has been revoked');
      principal = { orgId: found.orgId, role: found.role, actor: `api-token:${found.tokenId}` };
    }
    if (principal.orgId !== orgId) return sendProblem(res, 404, 'not-found', 'Not found', `organization ${orgId} was not found`);
    if (RANK[principal.role] < RANK[minRole]) {
      return sendProblem(res, 403, 'forbidden', 'Forbidden', `This needs the ${minRole} role; the caller is ${principal.role}`);
    }
    req.principal = principal;
    next();
  };
}
