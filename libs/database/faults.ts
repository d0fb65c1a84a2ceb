import { DatabaseError } from 'pg';

/**
 * Why the database could not serve a request, when the fault is the server's state rather than
 * the request: a client may retry the same request shortly.
 * - `timeout`: a statement ran past its bound, or the server did not answer at all;
 * - `locked`: a lock was held by someone else for longer than the lock bound;
 * - `unreachable`: no connection could be had, or the one in use was lost.
 */
export type DatabaseFaultKind = 'timeout' | 'locked' | 'unreachable';

export class DatabaseUnavailable extends Error {
  override readonly name = 'DatabaseUnavailable';
  constructor(
    readonly kind: DatabaseFaultKind,
    override readonly cause: unknown,
  ) {
    super(`database ${kind}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

const BY_SQLSTATE: Record<string, DatabaseFaultKind> = {
  '57014': 'timeout', // query_canceled: statement_timeout
  '55P03': 'locked', // lock_not_available: lock_timeout
  '57P01': 'unreachable', // admin_shutdown
  '57P02': 'unreachable', // crash_shutdown
  '57P03': 'unreachable', // cannot_connect_now (starting up, shutting down)
  '53300': 'unreachable', // too_many_connections
};

const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** pg and pg-pool say these in words only; they are the driver's, not the request's. */
const DRIVER_MESSAGES: Array<[RegExp, DatabaseFaultKind]> = [
  [/^Query read timeout$/, 'timeout'],
  [/^timeout exceeded when trying to connect$/, 'unreachable'],
  [/^Connection terminated/, 'unreachable'],
  [/^Client (was closed|has encountered a connection error) and is not queryable$/, 'unreachable'],
];

/**
 * The fault, typed, when `error` (or what it wraps) is one the database's state explains; else
 * undefined. The one place that knows the driver's ways of saying so.
 */
export function databaseUnavailable(error: unknown): DatabaseUnavailable | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailable) return e;
    const { code, message } = e as { code?: unknown; message?: unknown };
    const kind =
      typeof code === 'string'
        ? (BY_SQLSTATE[code] ?? (code.startsWith('08') || SOCKET_ERRORS.has(code) ? 'unreachable' : undefined))
        : undefined;
    const byMessage = typeof message === 'string' ? DRIVER_MESSAGES.find(([pattern]) => pattern.test(message))?.[1] : undefined;
    if (kind ?? byMessage) return new DatabaseUnavailable((kind ?? byMessage)!, error);
  }
  return undefined;
}

/**
 * The server ended the session with its answer (a terminated backend, a shutdown, an idle timeout,
 * a connection failure): the connection cannot serve another statement. By SQLSTATE, since the
 * severity pg reports is translated with the server's lc_messages.
 */
export const sessionEnded = (error: unknown): boolean =>
  error instanceof DatabaseError && (/^(08|57P)/.test(error.code ?? '') || error.code === '25P03');
