import type { ErrorRequestHandler, Response } from 'express';
import { Conflict, DomainError, Forbidden, Gone, Invalid, NoSeatAvailable, NotFound, StaleVersion } from '../domain/errors';
import type { Logger } from '../logger';
import { redactUrl } from '../http/redactUrl';

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
};

/** RFC 9457 problem details; `type` is a URN naming the kind of problem. */
export function sendProblem(
  res: Response,
  status: number,
  slug: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
): void {
  const body: Problem = { type: `urn:seatd:problem:${slug}`, title, status, detail, ...extra };
  res.status(status).type('application/problem+json').send(JSON.stringify(body));
}

export function sendDomainError(res: Response, err: DomainError): void {
  if (err instanceof Invalid) return sendProblem(res, 400, 'invalid-request', 'Invalid request', err.message, { errors: err.fields });
  if (err instanceof NotFound) return sendProblem(res, 404, 'not-found', 'Not found', err.message);
  if (err instanceof NoSeatAvailable) {
    return sendProblem(res, 409, 'no-seat-available', 'No seat available', err.message, { seatType: err.seatType });
  }
  if (err instanceof StaleVersion) return sendProblem(res, 412, err.code, 'Precondition failed', err.message);
  if (err instanceof Conflict) return sendProblem(res, 409, err.code, 'Conflict', err.message);
  if (err instanceof Gone) return sendProblem(res, 410, err.code, 'Gone', err.message);
  if (err instanceof Forbidden) return sendProblem(res, 403, 'forbidden', 'Forbidden', err.message);
  return sendProblem(res, 400, err.code, 'Request refused', err.message);
}

type HttpError = Error & { status?: number; statusCode?: number; type?: string; expose?: boolean };

/** The last error handler of the JSON API: domain errors by class, body-parser errors by status, the rest 500 and logged. */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: HttpError, req, res, _next) => {
    if (err instanceof DomainError) return sendDomainError(res, err);
    if (err.type === 'entity.parse.failed') {
      return sendProblem(res, 400, 'malformed-json', 'Malformed JSON', `The request body is not valid JSON: ${err.message}`);
    }
    const status = err.status ?? err.statusCode;
    if (status && status >= 400 && status < 500) {
      return sendProblem(res, status, 'bad-request', 'Bad request', err.expose ? err.message : 'The request could not be read');
    }
    logger.error({ err, method: req.method, reqId: req.id, url: redactUrl(req.originalUrl) }, 'unhandled error');
    return sendProblem(res, 500, 'internal-error', 'Internal server error', 'Something went wrong on our side; it has been logged');
  };
}
