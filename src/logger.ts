import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: { service: 'seatd' }, redact: ['req.headers.authorization', 'token'] });
}
