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
