import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger';
import { redactUrl } from './redactUrl';

/**
 * The last error handler: whatever no adapter answered is logged through pino (never Express's
 * plain-text stack on stderr) and answered with a bare 500 that shows nothing of the inside.
 */
export function unhandledErrors(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    logger.error({ err, reqId: req.id, method: req.method, url: redactUrl(req.originalUrl) }, 'unhandled error');
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    res.status(500).type('text/plain').set('X-Content-Type-Options', 'nosniff').send('Internal server error\n');
  };
}
