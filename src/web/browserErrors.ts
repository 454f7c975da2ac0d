import type { ErrorRequestHandler, RequestHandler } from 'express';
import { Conflict, DomainError, Forbidden, Gone, Invalid, NoSeatAvailable, NotFound } from '../domain/errors';
import type { Logger } from '../logger';
import { sendPage } from './page';
import { redactUrl } from '../http/redactUrl';

const BACK = { href: '/', text: 'Back to seatd' };

/** Paths nobody serves get a seatd page, not Express's "Cannot GET". */
export const browserNotFound: RequestHandler = (req, res) => {
  const back = req.path.startsWith('/console') ? { href: '/console', text: 'Back to the console' } : BACK;
  sendPage(res, 404, 'Page not found', [`There is no page at ${req.path}.`], back);
};

/** Domain errors by class, as a page a person can act on. */
export function pageStatusOf(err: DomainError): { status: number; title: string } {
  if (err instanceof NotFound) return { status: 404, title: 'Not found' };
  if (err instanceof Forbidden) return { status: 403, title: 'Not allowed' };
  if (err instanceof NoSeatAvailable) return { status: 409, title: 'No free seat' };
  if (err instanceof Conflict)
    return err.code.endsWith('expired') ? { status: 410, title: 'Expired' } : { status: 409, title: 'Not possible now' };
  if (err instanceof Invalid) return { status: 400, title: 'Not accepted' };
  if (err instanceof Gone) return { status: 410, title: 'Gone' };
  return { status: 400, title: 'Refused' };
}

type HttpError = Error & { status?: number; statusCode?: number; expose?: boolean };

/**
 * The last error handler of every page: domain errors as pages (404/403/409/410/400), request
 * errors (a malformed path or body) as a 400 page, anything else logged with its stack through
 * pino and answered with a page that shows none of it.
 */
export function browserErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: HttpError, req, res, _next) => {
    if (res.headersSent) return void res.end();
    if (err instanceof DomainError) {
      const { status, title } = pageStatusOf(err);
      return sendPage(res, status, title, [err.message], { href: req.session ? '/console' : '/', text: 'Back' });
    }
    const status = err.status ?? err.statusCode;
    if (status && status >= 400 && status < 500) {
      return sendPage(res, status, 'Bad request', ['This address or form could not be read. Check the link and try again.'], BACK);
    }
    logger.error({ err, reqId: req.id, method: req.method, url: redactUrl(req.originalUrl) }, 'page failed');
    sendPage(
      res,
      500,
      'Something went wrong',
      ['seatd could not answer this page; the error has been logged. Try again in a moment.'],
      BACK,
    );
  };
}
