/**
 * Every error that crosses a boundary (IPC, HTTP, worker, CLI) is a `{code, message}` pair:
 * the code is for programs, the message is for people and names what was wrong.
 */
export type ErrorCode =
  | 'BAD_REQUEST' // input failed its schema
  | 'TOO_LARGE' // a request body or upload over its limit
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
