import type { RequestHandler, Response } from 'express';
import type { GroupCommit } from '../db/groupCommit';
import type { Logger } from './logger';
import { redactUrl } from './http/redactUrl';

const DETAIL = 'The change could not be saved (the database refused the commit); nothing was changed, try again';

/** The failure in the shape of the protocol the client spoke: SCIM error, problem+json, or a plain page. */
function commitFailedBody(path: string): { type: string; body: string } {
  if (path.startsWith('/scim/'))
    return {
      type: 'application/scim+json',
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503', detail: DETAIL }),
    };
  if (path.startsWith('/api/'))
    return { type: 'application/problem+json', body: JSON.stringify({ title: 'Service Unavailable', status: 503, detail: DETAIL }) };
  return { type: 'text/plain; charset=utf-8', body: `${DETAIL}\n` };
}

/**
 * No response leaves before the writes it may report are committed: with group commit a request's
 * transaction commits at the end of the event-loop turn, so `res.end` waits for that commit. When
 * the commit failed (or failed while this request was in flight), the prepared answer is replaced
 * by a 503 — or, if its head is already on the wire, the connection is cut — so nobody is told of
 * a change that was rolled back.
 */
export function durableResponses(groupCommit: GroupCommit, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const failuresAtStart = groupCommit.failures;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    const failed = () => {
      logger.error({ method: req.method, reqId: req.id, url: redactUrl(req.originalUrl) }, 'commit failed; the response was withheld');
      if (res.headersSent) return void res.destroy();
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      const { type, body } = commitFailedBody(req.originalUrl);
      res.statusCode = 503;
      res.setHeader('Content-Type', type);
      res.setHeader('Retry-After', '1');
      end(body);
    };
    res.end = ((...args: unknown[]) => {
      if (!groupCommit.pending && groupCommit.failures === failuresAtStart) return end(...args);
      groupCommit.settled().then(() => (groupCommit.failures === failuresAtStart ? end(...args) : failed()), failed);
      return res;
    }) as Response['end'];
    next();
  };
}
