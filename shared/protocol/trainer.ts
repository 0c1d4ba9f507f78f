/**
 * Messages between a service process and a trainer process (Electron utility process or Node child
 * process: the same entry runs in both). Discriminated by `type`, correlated by `id` (the run id).
 * Progress carries batches of steps as typed arrays, at most 20 messages a second per run.
 */
import type { MetricBatch } from '../domain/metrics.ts';
import type { ErrorInfo } from '../errors.ts';
import type { CvMeasure, CvPathOptions } from '../engine/cv.ts';
import type { Design, FitOptions, FitResult } from '../engine/types.ts';

/** One cell of a sweep: a fold's λ path (measured on the fold) or the path on all the data. */
export interface CellJob {
  kind: 'fold' | 'full';
  /** Which row of the data file's fold table (repeated cross-validation). */
  repeat: number;
  fold: number;
  lambdas: Float64Array;
  options: CvPathOptions;
  /** Present for configurations without a cd path (other solvers, MLPs): each λ is fitted on its own. */
  fit?: FitOptions;
  measure: CvMeasure;
}

export interface CellOutput {
  size: number | null;
  errors: Float64Array | null;
  nonzero: Float64Array;
  intercepts: Float64Array | null;
  coefs: Float64Array | null;
  iterations: number;
  statusReason: string | null;
  fitMs: number;
}

export type ToTrainer =
  | { type: 'start'; id: string; design: Design; options: FitOptions }
  | { type: 'cancel'; id: string }
  /**
   * Run a small throwaway sweep cell of this model so its kernels are compiled before the first real
   * cell (a pool started early).
   */
  | { type: 'warmUp'; model: 'linear' | 'logistic' | 'mlp' }
  /** The data travel by file (written once per sweep, read once per process), not by message. */
  | { type: 'cell'; id: string; dataFile: string; job: CellJob };

export type FromTrainer =
  | { type: 'ready' }
  | { type: 'progress'; id: string; batch: MetricBatch }
  | { type: 'done'; id: string; result: FitResult; batch: MetricBatch; fitMs: number; optimumObjective: number | null; testLoss: number | null }
  | { type: 'cellDone'; id: string; output: CellOutput }
  | { type: 'error'; id: string; error: ErrorInfo };

/** Progress is flushed at most this often, so a run sends at most 20 progress messages a second. */
export const PROGRESS_INTERVAL_MS = 50;
