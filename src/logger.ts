import pino from 'pino';

export type Logger = pino.Logger;

/** JSON lines on stdout for the server; a CLI command logs to stderr, so that its stdout stays the JSON it prints. */
export function createLogger(level: string = 'info', destination: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options = { level, base: { service: 'seatd' }, redact: ['req.headers.authorization', 'token'] };
  return destination === 'stdout' ? pino(options) : pino(options, pino.destination({ dest: 2, sync: true }));
}
