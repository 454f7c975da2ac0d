import type { RequestHandler } from 'express';

/**
 * Headers every answer carries, JSON and SCIM included: no MIME sniffing; and, when seatd is
 * served over https, HSTS so a browser never falls back to plain http.
 */
export function securityHeaders(publicUrl: string): RequestHandler {
  const https = publicUrl.startsWith('https://');
  return (_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    if (https) res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}
