import type { ErrorRequestHandler, Response } from 'express';
import { Conflict, DomainError, Forbidden, Invalid, NoSeatAvailable, NotFound, StaleVersion } from '../domain/errors';
import type { Logger } from '../logger';
import { redactUrl } from '../http/redactUrl';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The largest SCIM request body taken (a group of some 28,000 members fits). */
export const BODY_LIMIT = '1mb';

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

/** Messages of JavaScript itself (a bug met on the way), as opposed to the validation messages scimmy writes for people. */
const ENGINE_MESSAGE =
  /Cannot (read|set|convert|destructure|access)|is not (a function|iterable|a constructor|defined)|undefined or null|Maximum call stack|Invalid array length|proxy|trap returned|parameter|instance|prototype/i;

/**
 * An error thrown by scimmy (or anything else seatd calls) as a SCIM error: scimmy's own validation
 * message when it wrote one, else `detail`, so no internal message reaches the client.
 */
export function scimErrorFrom(err: unknown, detail: string): ScimError {
  if (err instanceof ScimError) return err;
  const e = err as { status?: number; scimType?: string; message?: string; name?: string };
  const message = typeof e?.message === 'string' ? e.message : '';
  const own = e?.name === 'SCIMError' || e?.name === 'TypeError';
  if (!own || !message || ENGINE_MESSAGE.test(message)) return new ScimError(400, 'invalidValue', detail);
  const status = typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 400;
  return new ScimError(status, e.scimType ?? (status === 400 ? 'invalidValue' : undefined), message);
}

export function sendScimError(res: Response, status: number, scimType: string | undefined, detail: string): void {
  res
    .status(status)
    .type('application/scim+json')
    .send(JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail }));
}

function fromDomain(err: DomainError): [number, string | undefined, string] {
  if (err instanceof StaleVersion) return [412, undefined, err.message];
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
    if (err.type === 'entity.parse.failed') return sendScimError(res, 400, 'invalidSyntax', 'The request body is not valid JSON');
    if (err.type === 'entity.too.large') return sendScimError(res, 413, undefined, `The request body is larger than ${BODY_LIMIT}`);
    if (err.name === 'SCIMError' && err.status) {
      // scimmy's own errors (schema validation, PatchOp): a bad value when it does not say otherwise
      const e = scimErrorFrom(err, 'The request could not be applied; check it against /Schemas');
      return sendScimError(res, e.status, e.scimType, e.message);
    }
    if (err.status && err.status >= 400 && err.status < 500)
      return sendScimError(res, err.status, undefined, (err as { expose?: boolean }).expose ? err.message : 'The request was refused');
    logger.error({ err, method: req.method, reqId: req.id, url: redactUrl(req.originalUrl) }, 'SCIM request failed');
    return sendScimError(res, 500, undefined, 'Internal server error; it has been logged');
  };
}
