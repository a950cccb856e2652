// Store failures a person can act on: every database error leaves here as a StoreError with a plain message.
import { redactUrl } from './redact.js';

export type StoreErrorCode =
  | 'bad-url'
  | 'cantopen'
  | 'locked'
  | 'full'
  | 'corrupt'
  | 'readonly'
  | 'unreachable'
  | 'auth'
  | 'no-database'
  | 'too-new'
  | 'closed'
  | 'bad-input'
  | 'failed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(redactUrl(message), options);
    this.name = 'StoreError';
    this.code = code;
  }
}

interface DriverError {
  code?: unknown;
  message?: unknown;
}

function codeOf(error: unknown): string {
  const code = (error as DriverError | null)?.code;
  return typeof code === 'string' ? code : '';
}

function messageOf(error: unknown): string {
  const message = (error as DriverError | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** True for errors raised by the database drivers or the network under them (not by Kizuki's own code). */
export function isDriverError(error: unknown): boolean {
  const code = codeOf(error);
  return /^SQLITE_/.test(code) || /^[0-9A-Z]{5}$/.test(code) || /^E[A-Z_]+$/.test(code);
}

/**
 * Turns a better-sqlite3 / pg / network error into a StoreError. `where` is a redacted description of the
 * database and `doing` what was being attempted ("storing events").
 */
export function toStoreError(error: unknown, where: string, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = codeOf(error);
  const detail = redactUrl(messageOf(error));
  const make = (kind: StoreErrorCode, text: string) => new StoreError(kind, `${text} (${where}; ${detail})`, { cause: error });

  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === '55P03') {
    return make('locked', `${doing} failed: the database is locked by another process and stayed locked past the wait limit`);
  }
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' || code === '53100' || code === 'ENOSPC') {
    return make('full', `${doing} failed: the disk holding the database is full; nothing from this batch was stored`);
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') || code === 'XX001' || code === 'XX002') {
    return make('corrupt', `${doing} failed: the file is not a Kizuki database or it is damaged`);
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return make('readonly', `${doing} failed: the database is read-only for this user`);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return make('cantopen', `${doing} failed: the database file cannot be opened`);
  }
  if (code === '28P01' || code === '28000') {
    return make('auth', `${doing} failed: PostgreSQL refused the user name or password`);
  }
  if (code === '3D000') {
    return make('no-database', `${doing} failed: that PostgreSQL database does not exist`);
  }
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE'].includes(code) ||
    code === '57P01' ||
    code === '57P03' ||
    code.startsWith('08') ||
    /timeout expired|connection terminated|connection timeout|Connection terminated/i.test(detail)
  ) {
    return make('unreachable', `${doing} failed: the PostgreSQL server cannot be reached`);
  }
  return make('failed', `${doing} failed`);
}
