import pino from 'pino';

export type Logger = pino.Logger;

/**
 * JSON lines on stdout for the server; a CLI command logs to stderr, so that its stdout stays what it
 * prints. Errors are always logged under `err`, which pino serializes with type, message and stack
 * (and `cause`), so a stack never lands in the stream as loose text. Tests pass a stream to read.
 */
export function createLogger(level: string = 'info', destination: 'stdout' | 'stderr' | pino.DestinationStream = 'stdout'): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'seatd' },
    redact: ['req.headers.authorization', 'token'],
    serializers: { err: pino.stdSerializers.errWithCause },
  };
  if (destination === 'stdout') return pino(options);
  if (destination === 'stderr') return pino(options, pino.destination({ dest: 2, sync: true }));
  return pino(options, destination);
}
