import pino, { type DestinationStream, type Logger } from 'pino';
import { HavenError } from '../domain/errors.ts';

/**
 * Structured JSON logs (pino) that cannot carry personal data: Haven logs codes, ids, routes and timings —
 * never request bodies, query strings, cookies or database error details. Redaction is a second line of defence
 * for fields that should never have been logged in the first place.
 */

const REDACT = [
  'password',
  '*.password',
  'passphrase',
  '*.passphrase',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'body',
  '*.body',
  'query',
  '*.query',
];

/** Errors keep their type and code; messages survive only when Haven wrote them (they never hold values). */
export function serialiseError(error: unknown): Record<string, unknown> {
  if (error instanceof HavenError) {
    return {
      type: 'HavenError',
      code: error.code,
      status: error.status,
      message: error.message,
      reason: error.reason,
    };
  }
  if (error instanceof Error) {
    const withCode = error as Error & { code?: unknown };
    // A database or library message can quote the offending value ("invalid input syntax for type uuid: …").
    const frames = (error.stack ?? '')
      .split('\n')
      .slice(1, 8)
      .map((line) => line.trim());
    return {
      type: error.name,
      code: typeof withCode.code === 'string' ? withCode.code : undefined,
      stack: frames,
    };
  }
  return { type: typeof error };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'haven' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: serialiseError, error: serialiseError },
    },
    destination,
  );
}

export type { Logger };
