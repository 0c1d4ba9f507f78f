import { z } from 'zod';

export const SWEEP_STATUSES = ['queued', 'running', 'completed', 'interrupted', 'failed', 'cancelled'] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];
export const CV_MEASURES = ['mse', 'deviance', 'misclass', 'auc'] as const;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/**
 * A cross-validation sweep: the λ path (explicit, or glmnet's grid of nLambda values from λ_max down
 * to lambdaMinRatio·λ_max) for each α of the grid, on K folds (random, stratified by class, or an
 * explicit assignment), optionally repeated with new folds. Each (repeat, fold, α) is a cell that fits
 * the warm-started path on the other folds; one more cell per α fits the path on all the data.
 */
export const SweepSpecSchema = z
  .object({
    name: z.string().trim().max(200).optional(),
    datasetId: z.string().min(1, 'choose a data set').max(100),
    model: z.enum(['linear', 'logistic', 'mlp']),
    /** MLP only: regression (squared loss) or binary classification (log-loss). */
    task: z.enum(['regression', 'classification']).default('regression'),
    /**
     * Other hyperparameters as grids: every combination with every α is a configuration. Linear and
     * logistic models with solver cd (or auto) run warm-started paths; the rest fit each λ on its own.
     */
    grid: z
      .object({
        solver: z.array(z.enum(['auto', 'gd', 'sgd', 'adam', 'fista', 'cd', 'closed'])).min(1).max(7).optional(),
        learningRate: z.array(finite.gt(0, 'each learning rate must be > 0')).min(1).max(10, 'at most 10 learning rates').optional(),
        maxIter: z.array(z.number().int().min(1).max(1_000_000)).min(1).max(10, 'at most 10 iteration counts').optional(),
        hidden: z.array(z.array(z.number().int().min(1).max(4096)).min(1).max(3)).min(1).max(10, 'at most 10 architectures').optional(),
      })
      .strict()
      .default({}),
    activation: z.enum(['relu', 'tanh']).default('relu'),
    batchSize: z.number().int().min(1).max(1_000_000).default(32),
    alphas: z.array(finite.min(0, 'each α must be in [0, 1]').max(1, 'each α must be in [0, 1]')).min(1, 'give at least one α').max(21, 'at most 21 α values').default([1]),
    lambdas: z.array(finite.min(0, 'each λ must be ≥ 0')).min(1).max(1000, 'at most 1000 λ values').optional(),
    nLambda: z.number().int('must be an integer').min(2, 'at least 2 λ values').max(1000, 'at most 1000 λ values').default(100),
    lambdaMinRatio: finite.gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').optional(),
    folds: z.number().int('must be an integer').min(2, 'at least 2 folds').max(100, 'at most 100 folds').default(10),
    foldMethod: z.enum(['random', 'stratified', 'column']).default('random'),
    /** The fold of each row (any distinct values), for foldMethod 'column'. */
    foldIds: z.array(finite).max(50_000_000).optional(),
    repeats: z.number().int('must be an integer').min(1).max(20, 'at most 20 repeats').default(1),
    measure: z.enum(CV_MEASURES).optional(),
    standardize: z.boolean().default(true),
    fitIntercept: z.boolean().default(true),
    tol: finite.min(0).optional(),
    maxIter: z.number().int().min(1).max(10_000_000).optional(),
    seed: z.number().int('must be an integer').min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    poolSize: z.number().int('must be an integer').min(1, 'at least 1 process').max(64, 'at most 64 processes').optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.foldMethod === 'column' && spec.foldIds === undefined) ctx.addIssue({ code: 'custom', path: ['foldIds'], message: 'fold method "column" needs the fold of every row' });
    const classification = spec.model === 'logistic' || (spec.model === 'mlp' && spec.task === 'classification');
    if (spec.foldMethod === 'stratified' && !classification) ctx.addIssue({ code: 'custom', path: ['foldMethod'], message: 'stratified folds need a classification model' });
    if (!classification && spec.measure !== undefined && spec.measure !== 'mse') ctx.addIssue({ code: 'custom', path: ['measure'], message: `${spec.measure} is for classification; regression uses mse` });
    const configs = spec.alphas.length * (spec.grid.solver?.length ?? 1) * (spec.grid.learningRate?.length ?? 1) * (spec.grid.maxIter?.length ?? 1) * (spec.grid.hidden?.length ?? 1);
    if (configs > 200) ctx.addIssue({ code: 'custom', path: ['grid'], message: `${configs} configurations (α × grid); at most 200` });
    if (spec.lambdas !== undefined && spec.alphas.length > 1) ctx.addIssue({ code: 'custom', path: ['lambdas'], message: 'an explicit λ list goes with one α; α grids use glmnet’s λ grid per α' });
  });
export type SweepSpec = z.infer<typeof SweepSpecSchema>;

export interface SweepSummary {
  id: string;
  name: string;
  status: SweepStatus;
  statusReason: string | null;
  datasetId: string;
  datasetName: string;
  model: 'linear' | 'logistic' | 'mlp';
  measure: string;
  alphas: number[];
  folds: number;
  repeats: number;
  cellsDone: number;
  cellsTotal: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  elapsedMs: number | null;
}

/** One point of α × grid: what a configuration's cells fit. */
export interface SweepConfig {
  alpha: number;
  solver?: 'auto' | 'gd' | 'sgd' | 'adam' | 'fista' | 'cd' | 'closed';
  learningRate?: number;
  maxIter?: number;
  hidden?: number[];
  /** e.g. "α=1 · adam · lr=0.01 · hidden=16,8". */
  label: string;
}

export interface CellInfo {
  index: number;
  kind: 'fold' | 'full';
  repeat: number;
  fold: number;
  /** The configuration (see SweepDetail.configs). */
  configIndex: number;
  /** The configuration's α among SweepSpec.alphas. */
  alphaIndex: number;
  status: 'pending' | 'running' | 'completed' | 'failed';
  attempts: number;
  error: string | null;
  runId: string;
}

/** The cross-validation result for one configuration (one α when only α varies). */
export interface AlphaResult {
  alpha: number;
  label: string;
  lambdas: number[];
  cvm: number[];
  cvsd: number[];
  nonzero: number[];
  lambdaMin: number;
  lambda1se: number;
  indexMin: number;
  index1se: number;
}

/**
 * A configuration's CV curve from the folds finished so far (while the sweep runs, or after it stopped
 * short), computed as the final result is: with every fold in, cvm and cvsd equal AlphaResult's.
 */
export interface PartialCvResult {
  alpha: number;
  label: string;
  lambdas: number[];
  cvm: number[];
  /** NaN while only one fold has finished. */
  cvsd: number[];
  /** From the fit on all data once it has finished, else null. */
  nonzero: number[] | null;
  /** Fold cells finished, of all the configuration's fold cells (folds × repeats). */
  foldsDone: number;
  foldsTotal: number;
}

/** A configuration's coefficient path on all the data (linear, logistic): coef[l][j] on the original scale. */
export interface SweepPath {
  configIndex: number;
  lambdas: number[];
  intercepts: number[];
  coef: number[][];
}

export interface SweepDetail extends SweepSummary {
  spec: SweepSpec;
  configs: SweepConfig[];
  cells: CellInfo[];
  /** Per configuration, once the sweep is complete. */
  results: (AlphaResult | null)[];
  /** Per configuration while the sweep has no result: its curve so far (null before a fold has finished). */
  partial: (PartialCvResult | null)[];
  /** The configuration with the best cvm at its λ_min (the first on ties). */
  bestAlphaIndex: number | null;
  featureNames: string[];
  /** Coefficient path on all data for the best configuration (linear, logistic): coef[l][j] on the original scale. */
  path: { lambdas: number[]; intercepts: number[]; coef: number[][] } | null;
  refits: { lambdaMin: string | null; lambda1se: string | null };
  /**
   * While it runs: the seconds its unfinished cells still need, from the time its finished cells took
   * (as of when it was read); null otherwise, or before a cell of each kind has finished.
   */
  remainingSeconds: number | null;
}

/** The configurations of a spec: α outermost, then solver, learning rate, iterations, hidden layers. */
export function sweepConfigs(spec: Pick<SweepSpec, 'alphas' | 'grid' | 'model'>): SweepConfig[] {
  const configs: SweepConfig[] = [];
  const axis = <T>(values: T[] | undefined): (T | undefined)[] => values ?? [undefined];
  for (const alpha of spec.alphas) {
    for (const solver of axis(spec.grid.solver)) {
      for (const learningRate of axis(spec.grid.learningRate)) {
        for (const maxIter of axis(spec.grid.maxIter)) {
          for (const hidden of axis(spec.grid.hidden)) {
            const parts = [`α=${alpha}`];
            if (solver !== undefined) parts.push(solver);
            if (learningRate !== undefined) parts.push(`lr=${learningRate}`);
            if (maxIter !== undefined) parts.push(`iter=${maxIter}`);
            if (hidden !== undefined) parts.push(`hidden=${hidden.join(',')}`);
            configs.push({ alpha, solver, learningRate, maxIter, hidden, label: parts.join(' · ') });
          }
        }
      }
    }
  }
  return configs;
}
