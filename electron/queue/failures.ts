import { RidgelineError, type ErrorCode } from '../../shared/errors.ts';

/**
 * A failed job's reason is text in Redis; a worker writes it as `[CODE] message` so the coordinator
 * gets back the `{code, message}` the trainer gave. Reasons BullMQ writes itself (a job that stalled
 * too often: its workers kept dying) are crashes.
 */
const KNOWN_CODES = new Set<ErrorCode>([
  'BAD_REQUEST',
  'BAD_DATA',
  'BAD_OPTIONS',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'WORKER_CRASHED',
  'CANCELLED',
  'ENGINE_MISMATCH',
  'QUEUE_UNREACHABLE',
  'INTERNAL',
]);

export function formatFailure(code: ErrorCode, message: string): string {
  return `[${code}] ${message}`;
}

export function parseFailure(reason: string): RidgelineError {
  const match = /^\[([A-Z_]+)\] ([\s\S]*)$/.exec(reason);
  if (match && KNOWN_CODES.has(match[1] as ErrorCode)) return new RidgelineError(match[1] as ErrorCode, match[2]);
  return new RidgelineError('WORKER_CRASHED', `the cell's workers stopped before finishing it (${reason})`);
}

/** The backoff type every cell's job names; its strategy is cellRetryDelay, which every worker sets. */
export const CELL_BACKOFF = { type: 'ridgeline-cell' } as const;

/** The first wait before a cell whose data could not be fetched is tried again (doubled each time). */
export const UNREACHABLE_RETRY_MS = 2000;

/**
 * How long a failed cell waits before its next attempt: a crashed trainer is tried again at once (the
 * next process is likely fine), a coordinator that could not be reached after a pause (it may be
 * restarting), as BullMQ's backoff strategy (attemptsMade counts the attempt that just failed).
 */
export function cellRetryDelay(attemptsMade: number, _type?: string, error?: Error): number {
  if (error?.message.startsWith(formatFailure('QUEUE_UNREACHABLE', ''))) return UNREACHABLE_RETRY_MS * 2 ** Math.max(0, attemptsMade - 1);
  return 0;
}
