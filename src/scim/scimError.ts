import type { ErrorRequestHandler, Response } from 'express';
import { Conflict, DomainError, Forbidden, Invalid, NoSeatAvailable, NotFound } from '../domain/errors';
import type { Logger } from '../logger';
import { redactUrl } from '../http/redactUrl';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** An error answered in RFC 7644 §3.12 form. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export function sendScimError(res: Response, status: number, scimType: string | undefined, detail: string): void {
  res
    .status(status)
    .type('application/scim+json')
    .send(JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail }));
}

function fromDomain(err: DomainError): [number, string | undefined, string] {
  if (err instanceof NoSeatAvailable) return [403, undefined, `No seat is free: ${err.message}`];
  if (err instanceof Invalid) return [400, 'invalidValue', err.message];
  if (err instanceof NotFound) return [404, undefined, err.message];
  if (err instanceof Conflict) return err.code === 'uniqueness' ? [409, 'uniqueness', err.message] : [409, undefined, err.message];
  if (err instanceof Forbidden) return [403, undefined, err.message];
  return [400, undefined, err.message];
}

type WithStatus = Error & { status?: number; scimType?: string; type?: string };

/** The SCIM adapter's last handler: every failure leaves as SCIM error JSON, never HTML. */
export function scimErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: WithStatus, req, res, _next) => {
    if (err instanceof ScimError) return sendScimError(res, err.status, err.scimType, err.message);
    if (err instanceof DomainError) return sendScimError(res, ...fromDomain(err));
    if (err.type === 'entity.parse.failed')
      return sendScimError(res, 400, 'invalidSyntax', `The request body is not valid JSON: ${err.message}`);
    if (err.name === 'SCIMError' && err.status) {
      // scimmy's own errors (schema validation, PatchOp): a bad value when it does not say otherwise
      return sendScimError(res, err.status, err.scimType ?? (err.status === 400 ? 'invalidValue' : undefined), err.message);
    }
    if (err.status && err.status >= 400 && err.status < 500) return sendScimError(res, err.status, undefined, err.message);
    logger.error({ err, method: req.method, reqId: req.id, url: redactUrl(req.originalUrl) }, 'SCIM request failed');
    return sendScimError(res, 500, undefined, 'Internal server error; it has been logged');
  };
}
