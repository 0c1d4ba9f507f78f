import { z } from 'zod';
import type { MetricName } from './metrics.ts';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'diverged', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'diverged', 'failed', 'cancelled', 'interrupted'];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positiveInt = z.number().int('must be an integer').positive('must be at least 1');

/** The hyperparameters of a run: what `ridgeline fit` takes, minus the data. */
export const HyperparamsSchema = z.object({
  model: z.enum(['linear', 'logistic', 'mlp']),
  lambda: finite.min(0, 'λ must be ≥ 0'),
  alpha: finite.min(0, 'α must be in [0, 1]').max(1, 'α must be in [0, 1]'),
  solver: z.enum(['auto', 'gd', 'sgd', 'adam', 'fista', 'cd', 'closed']),
  learningRate: finite.positive('the learning rate must be > 0').optional(),
  maxIter: positiveInt.max(10_000_000, 'at most 10,000,000 iterations').optional(),
  tol: finite.min(0, 'the tolerance must be ≥ 0').optional(),
  batchSize: positiveInt.default(32),
  standardize: z.boolean().default(false),
  fitIntercept: z.boolean().default(true),
  init: z.enum(['zeros', 'random']).default('zeros'),
  seed: z.number().int('the seed must be an integer').min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  hidden: z.array(positiveInt.max(4096)).min(1).max(3).default([16]),
  activation: z.enum(['relu', 'tanh']).default('relu'),
  momentum: finite.min(0).max(0.999).default(0),
  lrDecay: finite.positive().max(1).default(1),
  /** MLP only: regression (squared loss) or binary classification (log-loss). */
  task: z.enum(['regression', 'classification']).default('regression'),
  /** Hold out this share of the rows (seeded by `seed`) and record the loss on them at every step. */
  validationFraction: finite.min(0, 'the validation fraction must be in [0, 0.9]').max(0.9, 'the validation fraction must be in [0, 0.9]').default(0),
  /** Hold out this share of the rows (same seeded split) as a test set, measured once on the final parameters. */
  testFraction: finite.min(0, 'the test fraction must be in [0, 0.9]').max(0.9, 'the test fraction must be in [0, 0.9]').default(0),
}).refine((h) => h.validationFraction + h.testFraction <= 0.9 + 1e-9, { message: 'the validation and test fractions together must leave at least 10 % of the rows to train on', path: ['testFraction'] });
export type Hyperparams = z.infer<typeof HyperparamsSchema>;

/** A request to train: a stored data set (or a built-in one, by id) plus hyperparameters. */
export const RunSpecSchema = z.object({
  name: z.string().trim().max(200).optional(),
  datasetId: z.string().min(1, 'choose a data set').max(100),
  hyperparams: HyperparamsSchema,
});
export type RunSpec = z.infer<typeof RunSpecSchema>;

export interface FinalMetrics {
  objective: number | null;
  dataLoss: number | null;
  penalty: number | null;
  /** J* of the convex problem (closed form or tight coordinate descent), when known. */
  optimumObjective: number | null;
  /** J − J* at the final parameters. */
  suboptimality: number | null;
  nonzero: number | null;
  /** Data loss on the held-out test rows (hyperparams.testFraction > 0), measured on the final parameters. */
  testLoss: number | null;
  /** Data loss on the validation rows at the last step (hyperparams.validationFraction > 0), else null. */
  validationLoss?: number | null;
}

export interface RunSummary {
  id: string;
  name: string;
  status: RunStatus;
  datasetId: string;
  datasetName: string;
  hyperparams: Hyperparams;
  createdAt: string;
  finishedAt: string | null;
  iterations: number;
  final: FinalMetrics;
  sweepId: string | null;
  /** Trained on its own, one cell of a sweep, or a sweep's refit at λ_min / λ_1se. */
  role: RunRole;
  tags: string[];
  notes: string;
  archived: boolean;
  /** Wall time of the fit in milliseconds, when it finished. */
  fitMs: number | null;
}

/** A tag a person gives runs. */
export const RunTagSchema = z.string().trim().min(1, 'a tag cannot be empty').max(50, 'a tag is at most 50 characters').regex(/^[^,]+$/, 'a tag cannot contain a comma');
/** Tags a run carries at most. */
export const MAX_RUN_TAGS = 50;

/** What a person may change about a stored run (its results never change). */
export const RunEditSchema = z
  .object({
    id: z.string().min(1).max(100),
    name: z.string().trim().min(1, 'a name cannot be empty').max(200).optional(),
    notes: z.string().max(20_000, 'notes are at most 20,000 characters').optional(),
    tags: z.array(RunTagSchema).max(MAX_RUN_TAGS).optional(),
    archived: z.boolean().optional(),
  })
  .strict();
export type RunEdit = z.infer<typeof RunEditSchema>;

export type RunRole = 'run' | 'cell' | 'refit';

export interface RunParameter {
  name: string;
  value: number;
}

export interface RunDetail extends RunSummary {
  statusReason: string | null;
  resolvedSolver: string | null;
  seed: number;
  appVersion: string;
  datasetHash: string;
  startedAt: string | null;
  timings: { loadMs: number | null; fitMs: number | null };
  converged: boolean | null;
  maxStableStep: number | null;
  /** The intercept first (named "(intercept)"), then one coefficient per feature. */
  parameters: RunParameter[];
}

export interface RunMetrics {
  runId: string;
  firstStep: number;
  count: number;
  columns: Partial<Record<MetricName, Float64Array>>;
}
