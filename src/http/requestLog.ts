import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';
import { redactUrl } from './redactUrl';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An id a proxy or client sent is kept when it looks like one (so logs line up across hops); anything else is replaced. */
const ACCEPTED_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id, as logged and echoed in X-Request-Id. */
    id?: string;
  }
}

/** Gives each request an id (X-Request-Id in and out) and logs one line when it ends, with secrets in its URL redacted. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const sent = req.get(REQUEST_ID_HEADER);
    const id = sent && ACCEPTED_ID.test(sent) ? sent : crypto.randomUUID();
    req.id = id;
    res.set(REQUEST_ID_HEADER, id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { reqId: id, method: req.method, url: redactUrl(req.originalUrl), status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
