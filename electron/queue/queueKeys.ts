/**
 * Names in Redis. BullMQ's keys are `ridgeline:cells:…`; ours sit beside them under the same prefix,
 * so one Redis database can hold the queue and nothing of Ridgeline's leaks elsewhere.
 */
export const KEY_PREFIX = 'ridgeline';
export const QUEUE_NAME = 'cells';

/** A cell's job id: one job per sweep and cell, so enqueuing a cell again finds the same job (no `:`: BullMQ forbids it). */
export function cellJobId(sweepId: string, cellIndex: number): string {
  return `${sweepId}-cell-${cellIndex}`;
}

export function parseCellJobId(id: string | undefined): { sweepId: string; cellIndex: number } | null {
  const match = /^(sweep_[0-9a-z]+)-cell-(\d+)$/.exec(id ?? '');
  return match ? { sweepId: match[1], cellIndex: Number(match[2]) } : null;
}

/** A sweep's data, by the SHA-256 of its bytes (sweepData.ts layout). */
export const dataKey = (hash: string): string => `${KEY_PREFIX}:data:${hash}`;

/** Set while a sweep is cancelled: workers drop its cells, queued or in hand. */
export const cancelKey = (sweepId: string): string => `${KEY_PREFIX}:cancel:${sweepId}`;

/** A worker's heartbeat (workerHeartbeat.ts), by its name (host:pid). */
export const workerKey = (name: string): string => `${KEY_PREFIX}:worker:${name}`;

/**
 * A sweep's data token (dataEndpoint.ts), kept while its jobs may be: a resumed coordinator serves the
 * data with the same token, so cells queued by an earlier execution (and held by workers) still open them.
 */
export const dataTokenKey = (sweepId: string): string => `${KEY_PREFIX}:datatoken:${sweepId}`;
