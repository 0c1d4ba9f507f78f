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
    model: z.enum(['linear', 'logistic']),
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
    if (spec.foldMethod === 'stratified' && spec.model !== 'logistic') ctx.addIssue({ code: 'custom', path: ['foldMethod'], message: 'stratified folds need a classification (logistic) model' });
    if (spec.model === 'linear' && spec.measure !== undefined && spec.measure !== 'mse') ctx.addIssue({ code: 'custom', path: ['measure'], message: `${spec.measure} is for classification; linear models use mse` });
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
  model: 'linear' | 'logistic';
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

export interface CellInfo {
  index: number;
  kind: 'fold' | 'full';
  repeat: number;
  fold: number;
  alphaIndex: number;
  status: 'pending' | 'running' | 'completed' | 'failed';
  attempts: number;
  error: string | null;
  runId: string;
}

/** The cross-validation result for one α. */
export interface AlphaResult {
  alpha: number;
  lambdas: number[];
  cvm: number[];
  cvsd: number[];
  nonzero: number[];
  lambdaMin: number;
  lambda1se: number;
  indexMin: number;
  index1se: number;
}

export interface SweepDetail extends SweepSummary {
  spec: SweepSpec;
  cells: CellInfo[];
  /** Per α, once every cell of that α is in. */
  results: (AlphaResult | null)[];
  /** The α with the best cvm at its λ_min (the first on ties). */
  bestAlphaIndex: number | null;
  featureNames: string[];
  /** Coefficient path on all data for the best α: path[l][j] (original scale), with intercepts. */
  path: { lambdas: number[]; intercepts: number[]; coef: number[][] } | null;
  refits: { lambdaMin: string | null; lambda1se: string | null };
}
