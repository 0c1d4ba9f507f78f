import type { MetricBatch } from '../domain/metrics.ts';

export type ModelKind = 'linear' | 'logistic' | 'mlp';
export type SolverKind = 'auto' | 'gd' | 'sgd' | 'adam' | 'fista' | 'cd' | 'closed';
export type ConcreteSolver = Exclude<SolverKind, 'auto'>;
export type Activation = 'relu' | 'tanh';
export type InitKind = 'zeros' | 'random';
/** What an MLP's single output predicts: a number (linear output, squared loss) or P(y = 1) (sigmoid, log-loss). */
export type MlpTask = 'regression' | 'classification';

/**
 * A design matrix with its response. `x` is row-major m×p (row i is `x[i*p .. i*p+p)`),
 * contiguous so that kernels sweep it in one pass.
 */
export interface Design {
  x: Float64Array;
  y: Float64Array;
  m: number;
  p: number;
  featureNames: readonly string[];
}

/**
 * Everything that defines a fit. The objective is
 *   J(b, w) = (1/m)·Σ loss(y_i, b + x_i·w) + λ·(α‖w‖₁ + (1−α)/2·‖w‖₂²)
 * with squared loss ½(ŷ−y)² (linear) or log-loss (logistic, labels 0/1); the bias is never penalized.
 * This is glmnet's and scikit-learn ElasticNet(alpha=λ, l1_ratio=α)'s objective. The textbook form
 * 1/(2m)·(RSS + λ'‖w‖²) is the same with λ = λ'/m.
 */
export interface FitOptions {
  model: ModelKind;
  lambda: number;
  alpha: number;
  solver: SolverKind;
  /** Step size for gd/sgd/adam; undefined: the solver's own default. */
  learningRate?: number;
  /** Iterations (gd, fista, cd sweeps) or epochs (sgd, adam); undefined: the solver's own. */
  maxIter?: number;
  /** Convergence tolerance; 0 runs exactly maxIter iterations. Undefined: the solver's own. */
  tol?: number;
  batchSize: number;
  /** Penalize coefficients of columns scaled to mean 0 and (1/m)-std 1; report them on the original scale. */
  standardize: boolean;
  fitIntercept: boolean;
  init: InitKind;
  seed: number;
  hidden: readonly number[];
  activation: Activation;
  momentum: number;
  /** Multiplicative learning-rate decay per epoch for sgd and adam (1 = none): epoch k uses η·lrDecay^(k−1). */
  lrDecay: number;
  /**
   * MLP only: 'regression' (linear output, squared loss ½(ŷ−y)²) or 'classification' (sigmoid output,
   * log-loss, labels 0/1); undefined means 'regression'. Optional so that option objects built before it
   * existed stay valid. Linear and logistic models ignore it (the model names its loss).
   */
  task?: MlpTask;
  /**
   * Hold out this share of the rows (a seeded split, see validation.ts) and record the data loss on
   * them at every step as `validationLoss`; 0 or undefined trains on every row.
   */
  validationFraction?: number;
  /**
   * Hold out this share of the rows as a test set (the same seeded split, see validation.ts): never
   * trained on, measured once on the final parameters (`testLoss`); 0 or undefined holds none out.
   */
  testFraction?: number;
}

export const DEFAULT_FIT_OPTIONS: FitOptions = {
  model: 'linear',
  lambda: 0,
  alpha: 0,
  solver: 'auto',
  batchSize: 32,
  standardize: false,
  fitIntercept: true,
  init: 'zeros',
  seed: 0,
  hidden: [16],
  activation: 'relu',
  momentum: 0,
  lrDecay: 1,
  task: 'regression',
};

export type FitStatus = 'completed' | 'diverged' | 'cancelled';

/** The learned parameters of one dense layer of an MLP: weights are out×in, row-major. */
export interface LayerParameters {
  inputs: number;
  outputs: number;
  weights: Float64Array;
  biases: Float64Array;
}

export interface FitResult {
  model: ModelKind;
  solver: ConcreteSolver;
  status: FitStatus;
  /** Why the run ended as it did, in words (e.g. where it diverged and the step bound it broke). */
  statusReason: string | null;
  /** The intercept (linear, logistic). 0 for an MLP, whose biases are in `layers`. */
  intercept: number;
  /** Coefficients on the original scale of the features (linear, logistic). Empty for an MLP. */
  coef: Float64Array;
  /** An MLP's layers, input to output, on the original scale of the features; null for other models. */
  layers: LayerParameters[] | null;
  objective: number;
  iterations: number;
  converged: boolean;
  /** Largest stable gd step 2/L where it is known (gd on linear/logistic), else null. */
  maxStableStep: number | null;
}

/** Hooks a driver (the trainer process, the CLI) gives a fit; the engine itself reads no clock. */
export interface FitHooks {
  /** Milliseconds since the fit started, recorded per step in the `elapsedMs` column. */
  now?: () => number;
}

/**
 * A fit that advances in slices, so a driver can stream progress and react to cancel between
 * slices while the numerics stay one synchronous, allocation-free loop.
 */
export interface FitSession {
  /** Runs up to `maxSteps` more updates; returns true once the fit has finished. */
  advance(maxSteps: number): boolean;
  readonly finished: boolean;
  /** Steps recorded so far (step 0 is the initial point). */
  readonly stepCount: number;
  /** Metrics of steps [from, stepCount) as a batch (copied). */
  metricsSince(from: number): MetricBatch;
  /** Stop after the current step; the result reports `cancelled`. */
  cancel(): void;
  result(): FitResult;
}
