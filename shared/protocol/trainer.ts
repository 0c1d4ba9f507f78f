/**
 * Messages between a service process and a trainer process (Electron utility process or Node child
 * process: the same entry runs in both). Discriminated by `type`, correlated by `id` (the run id).
 * Progress carries batches of steps as typed arrays, at most 20 messages a second per run.
 */
import type { MetricBatch } from '../domain/metrics.ts';
import type { ErrorInfo } from '../errors.ts';
import type { Design, FitOptions, FitResult } from '../engine/types.ts';

export type ToTrainer =
  | { type: 'start'; id: string; design: Design; options: FitOptions }
  | { type: 'cancel'; id: string };

export type FromTrainer =
  | { type: 'ready' }
  | { type: 'progress'; id: string; batch: MetricBatch }
  | { type: 'done'; id: string; result: FitResult; batch: MetricBatch; fitMs: number; optimumObjective: number | null }
  | { type: 'error'; id: string; error: ErrorInfo };

/** Progress is flushed at most this often, so a run sends at most 20 progress messages a second. */
export const PROGRESS_INTERVAL_MS = 50;
