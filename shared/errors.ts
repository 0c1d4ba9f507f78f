/**
 * Every error that crosses a boundary (IPC, HTTP, worker, CLI) is a `{code, message}` pair:
 * the code is for programs, the message is for people and names what was wrong.
 */
export type ErrorCode =
  | 'BAD_REQUEST' // input failed its schema
  | 'TOO_LARGE' // a request body or upload over its limit
  | 'DISK_FULL' // a write found no space left (nothing half-written: SQLite rolled back)
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN_SENDER'
  | 'BAD_DATA' // a data set or file that cannot be used as given
  | 'BAD_OPTIONS' // training options that cannot work together
  | 'DB_TOO_NEW'
  | 'DB_CORRUPT'
  | 'WORKER_CRASHED'
  | 'CANCELLED'
  | 'SWEEP_FAILED'
  | 'QUEUE_UNREACHABLE' // the sweep queue (Redis) cannot be reached, or refused the password
  | 'ENGINE_MISMATCH' // a queue worker runs another engine build or V8 version than its coordinator
  | 'INTERNAL';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export class RidgelineError extends Error implements ErrorInfo {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'RidgelineError';
    this.code = code;
  }
}

/** Turns anything thrown into the `{code, message}` the other side of a boundary receives. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof RidgelineError) return { code: error.code, message: error.message };
  const full = diskFull(error);
  if (full) return full;
  if (isErrorInfo(error)) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

export function isErrorInfo(value: unknown): value is ErrorInfo {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorInfo).code === 'string' &&
    typeof (value as ErrorInfo).message === 'string'
  );
}

/** SQLite's SQLITE_FULL and the OS's ENOSPC, said the same way wherever they surface. */
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC']);

function diskFull(error: unknown): ErrorInfo | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !DISK_FULL_CODES.has(code)) return null;
  return {
    code: 'DISK_FULL',
    message: 'the disk is full: this change was not saved (what was saved before is intact); free some space and try again',
  };
}
