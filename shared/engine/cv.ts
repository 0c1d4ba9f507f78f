/**
 * Cross-validation over a λ path, with cv.glmnet's definitions so results compare one to one:
 * each fold's model is the warm-started path on the other folds; per-observation errors are
 * averaged per fold; `cvm` is the fold-size-weighted mean of the fold errors and
 * `cvsd = sqrt(weighted mean of (fold error − cvm)² / (K − 1))`; λ_min is the largest λ attaining the
 * minimum cvm, λ_1se the largest λ with cvm ≤ cvm[min] + cvsd[min].
 * A fold's path is one independent "cell": the unit a sweep schedules on a process pool.
 */
import { RidgelineError } from '../errors.ts';
import { FoldMoments } from './cd/foldGram.ts';
import { COVARIANCE_MAX_P } from './cd/linearCd.ts';
import { rowsWhere, subsetRows } from './design.ts';
import { fit } from './fit.ts';
import { defaultLambdaGrid, fitLinearPathOnRows, fitPath, fitPathFromMoments, guardedLambdaMax, logGrid, type PathPoint } from './path.ts';
import { asGlm } from './objective.ts';
import { predict } from './predict.ts';
import { Pcg64 } from './random/pcg64.ts';
import type { Design, FitOptions, FitResult } from './types.ts';

export type CvMeasure = 'mse' | 'deviance' | 'misclass' | 'auc';

export type CvPathOptions = Pick<FitOptions, 'model' | 'alpha' | 'standardize' | 'fitIntercept'> & Partial<Pick<FitOptions, 'tol' | 'maxIter'>>;

/** cv.glmnet clips predicted probabilities to [1e-5, 1 − 1e-5] before the deviance. */
const PROB_MIN = 1e-5;

/** Fold ids from a data column: its distinct values, sorted, become folds 0..K−1. */
export function foldsFromColumn(values: Float64Array): { folds: Int32Array; k: number } {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (distinct.length < 2) throw new RidgelineError('BAD_DATA', `the fold column has ${distinct.length} distinct value(s); cross-validation needs at least 2 folds`);
  const index = new Map(distinct.map((v, i) => [v, i]));
  return { folds: Int32Array.from(values, (v) => index.get(v)!), k: distinct.length };
}

/** K folds as cv.glmnet draws them (a random permutation of 1..K repeated), from the seeded PRNG. */
export function randomFolds(m: number, k: number, seed: number): Int32Array {
  checkFoldCount(m, k);
  const folds = Int32Array.from({ length: m }, (_, i) => i % k);
  Pcg64.fromSeed(seed).shuffle(folds);
  return folds;
}

/** Stratified K folds for 0/1 labels: each class dealt round-robin over the folds after a shuffle. */
export function stratifiedFolds(y: Float64Array, k: number, seed: number): Int32Array {
  checkFoldCount(y.length, k);
  const rng = Pcg64.fromSeed(seed);
  const folds = new Int32Array(y.length);
  let next = 0;
  for (const label of [0, 1]) {
    const rows = Int32Array.from(y.reduce<number[]>((acc, v, i) => (v === label ? (acc.push(i), acc) : acc), []));
    rng.shuffle(rows);
    for (const row of rows) folds[row] = next++ % k;
  }
  return folds;
}

function checkFoldCount(m: number, k: number): void {
  if (!Number.isInteger(k) || k < 2) throw new RidgelineError('BAD_OPTIONS', `folds must be an integer ≥ 2 (got ${k})`);
  if (k > m) throw new RidgelineError('BAD_OPTIONS', `${k} folds need at least ${k} rows (the data have ${m})`);
}

export { subsetRows } from './design.ts';

export interface CellResult {
  fold: number;
  /** Rows held out (the fold's weight in cvm). */
  size: number;
  /** The fold's error at each λ. */
  errors: Float64Array;
  /** Nonzero coefficients of the fold's fit at each λ. */
  nonzero: Float64Array;
  /** Solver iterations over the whole path. */
  iterations: number;
  /** Why some λ ended unconverged (the first such reason), else null. */
  statusReason: string | null;
}

export interface FullPathResult {
  nonzero: Float64Array;
  intercepts: Float64Array;
  /** λ × p, original scale. */
  coefs: Float64Array;
  iterations: number;
  statusReason: string | null;
}

/**
 * The per-fold moments that a CV's linear cells (and its full-data path) share, for `folds` (one
 * repeat's table, folds 0…K−1); undefined where cells work from the rows instead (logistic, p above
 * covariance mode, or too many entries to keep). A process running several cells of one sweep keeps
 * one per fold table.
 */
export function sharedMoments(design: Design, folds: Int32Array, options: Pick<CvPathOptions, 'model'>): FoldMoments | undefined {
  if (options.model !== 'linear' || design.p > COVARIANCE_MAX_P) return undefined;
  let k = 0;
  for (let i = 0; i < folds.length; i++) if (folds[i] + 1 > k) k = folds[i] + 1;
  if (!FoldMoments.suits(design.p, k)) return undefined;
  return new FoldMoments(design, folds, k);
}

/**
 * A CV's λ grid (glmnet's rule, see defaultLambdaGrid), with λ_max from the moments when the cells use
 * them: the full-data path then starts from exactly the c_j its λ_max came from, so every coefficient
 * is exactly 0 at the first λ, as glmnet reports.
 */
export function cvLambdaGrid(design: Design, options: CvPathOptions, moments: FoldMoments | undefined, n = 100, ratio?: number): Float64Array {
  const stats = moments?.cellStatistics(-1, options.fitIntercept, options.standardize);
  if (!stats?.reliable) return defaultLambdaGrid(design, options, n, ratio);
  let top = 0;
  for (let j = 0; j < stats.c.length; j++) top = Math.max(top, Math.abs(stats.c[j]));
  return logGrid(guardedLambdaMax(top, options.alpha), design, n, ratio);
}

/** The path on all the data: the coefficient path, the nonzero counts, and the refits' source. */
export function fullPathCell(design: Design, lambdas: ArrayLike<number>, options: CvPathOptions, moments?: FoldMoments): FullPathResult {
  const stats = moments?.cellStatistics(-1, options.fitIntercept, options.standardize);
  const path = moments && stats?.reliable ? fitPathFromMoments(moments, -1, options, Array.from(lambdas), stats) : fitPath(design, { ...options, objectives: false }, Array.from(lambdas));
  const coefs = new Float64Array(path.length * design.p);
  path.forEach((point, l) => coefs.set(point.coef, l * design.p));
  return {
    nonzero: Float64Array.from(path, (point) => point.nonzero),
    intercepts: Float64Array.from(path, (point) => point.intercept),
    coefs,
    iterations: path.reduce((n, point) => n + point.iterations, 0),
    statusReason: path.find((point) => point.statusReason !== null)?.statusReason ?? null,
  };
}

/**
 * One cell: fit the path on every fold but `fold`, measure it on `fold`. A linear cell in covariance
 * mode works from the fold table's moments (`moments`, or its own when not given; see cd/foldGram.ts),
 * so its result is the same whether it runs alone or in a process that ran other cells of the sweep.
 */
export function cvCell(
  design: Design,
  folds: Int32Array,
  fold: number,
  lambdas: ArrayLike<number>,
  options: CvPathOptions,
  measure: CvMeasure,
  moments?: FoldMoments,
): CellResult {
  const shared = moments ?? sharedMoments(design, folds, options);
  const size = shared?.foldSize(fold) ?? 0;
  // A cell whose moments cancelled too far (a column nearly constant on its rows) is fitted from its rows.
  const stats = shared && size > 0 ? shared.cellStatistics(fold, options.fitIntercept, options.standardize) : undefined;
  if (shared && stats?.reliable) {
    if (measure !== 'mse') throw new RidgelineError('BAD_OPTIONS', `measure "${measure}" is for classification; regression uses mse`);
    const path = fitPathFromMoments(shared, fold, options, Array.from(lambdas), stats);
    return cellResult(fold, size, momentErrors(shared, design, folds, fold, path), path);
  }
  const test = subsetRows(design, (i) => folds[i] === fold);
  if (test.m === 0) throw new RidgelineError('BAD_DATA', `fold ${fold} holds no rows`);
  const cellOptions = { ...options, objectives: false };
  // A linear cell's columns are built from its training rows where they lie (wide designs: no 16 MB copy).
  const path =
    asGlm(options.model) === 'linear'
      ? fitLinearPathOnRows(design, rowsWhere(design.m, (i) => folds[i] !== fold), cellOptions, Array.from(lambdas))
      : fitPath(subsetRows(design, (i) => folds[i] !== fold), cellOptions, Array.from(lambdas));
  return cellResult(fold, test.m, pathErrors(test, path, options.model, measure), path);
}

function cellResult(fold: number, size: number, errors: Float64Array, path: readonly PathPoint[]): CellResult {
  return {
    fold,
    size,
    errors,
    nonzero: Float64Array.from(path, (point) => point.nonzero),
    iterations: path.reduce((n, point) => n + point.iterations, 0),
    statusReason: path.find((point) => point.statusReason !== null)?.statusReason ?? null,
  };
}

/**
 * A linear fold's mean squared error at every λ from the fold's moments (O(nnz²) per λ); a λ whose
 * quadratic form cancels too far to trust (a near-perfect fit) is evaluated on the fold's rows.
 */
function momentErrors(moments: FoldMoments, design: Design, folds: Int32Array, fold: number, path: readonly PathPoint[]): Float64Array {
  const size = moments.foldSize(fold);
  const errors = new Float64Array(path.length);
  const nonzero = new Int32Array(design.p);
  let test: Design | null = null;
  path.forEach((point, l) => {
    let nnz = 0;
    for (let j = 0; j < design.p; j++) if (point.coef[j] !== 0) nonzero[nnz++] = j;
    const sum = moments.foldSquaredError(fold, point.intercept, point.coef, nonzero, nnz);
    if (!Number.isNaN(sum)) {
      errors[l] = sum / size;
      return;
    }
    test ??= subsetRows(design, (i) => folds[i] === fold);
    errors[l] = pathErrors(test, [point], 'linear', 'mse')[0];
  });
  return errors;
}

/** Rows of a block of pathErrors: 64 rows of up to a few hundred columns stay in L2 while every λ reads them. */
const ERROR_BLOCK_ROWS = 64;

/**
 * The fold's error at every λ of a path. The predictions η = b + Xw are the cell's second cost after the
 * fit (|test|·p per λ), so they are formed for 4 λ and 2 rows at a time: 8 independent sums, each x
 * loaded once for 4 λ, over the columns nonzero at any of those λ (a lasso path is sparse for most of
 * its λ; a zero coefficient leaves a sum unchanged, s + x·0 = s). Blocks of ERROR_BLOCK_ROWS rows go
 * through every λ while they sit in cache, so the test rows are read from memory once, not once per 4 λ
 * (which, with two trainer processes sharing the cache, made this a large part of a cell). Each η is
 * still summed in column order and each error over the rows in order, so the errors equal a row-by-row,
 * λ-by-λ evaluation's.
 */
function pathErrors(test: Design, path: readonly PathPoint[], model: FitOptions['model'], measure: CvMeasure): Float64Array {
  const { x, m, p } = test;
  const count = path.length;
  const groups = Math.ceil(count / 4);
  // Per group of 4 λ (past the end the group repeats the last λ: computed twice, used once): the columns
  // nonzero at any of them, their 4 coefficients side by side, and the 4 intercepts.
  const idx = new Int32Array(groups * p);
  const coefs = new Float64Array(groups * 4 * p);
  const nnzOf = new Int32Array(groups);
  const intercepts = new Float64Array(groups * 4);
  for (let g = 0; g < groups; g++) {
    const w = [0, 1, 2, 3].map((k) => path[Math.min(4 * g + k, count - 1)]);
    let nnz = 0;
    for (let j = 0; j < p; j++) {
      if (w[0].coef[j] === 0 && w[1].coef[j] === 0 && w[2].coef[j] === 0 && w[3].coef[j] === 0) continue;
      idx[g * p + nnz] = j;
      for (let k = 0; k < 4; k++) coefs[4 * (g * p + nnz) + k] = w[k].coef[j];
      nnz++;
    }
    nnzOf[g] = nnz;
    for (let k = 0; k < 4; k++) intercepts[4 * g + k] = w[k].intercept;
  }
  // η of λ l at row i: eta[(4g + k)·m + i] for l = 4g + k (the repeated λ of the last group included).
  const eta = new Float64Array(groups * 4 * m);
  for (let r0 = 0; r0 < m; r0 += ERROR_BLOCK_ROWS) {
    const r1 = Math.min(m, r0 + ERROR_BLOCK_ROWS);
    for (let g = 0; g < groups; g++) etaBlock(x, p, r0, r1, idx, coefs, g * p, nnzOf[g], intercepts, 4 * g, eta, 4 * g * m, m);
  }
  const errors = new Float64Array(count);
  for (let l = 0; l < count; l++) {
    const e = eta.subarray(l * m, (l + 1) * m);
    errors[l] = model === 'linear' ? measureError(test.y, e, false, measure) : logisticError(test.y, e, measure);
  }
  return errors;
}

/**
 * η for 4 λ of rows [r0, r1): 2 rows at a time (a block starts at an even row, so the pairs are those of
 * an unblocked sweep), then a last odd row. Column offsets idx[at…], coefficients coefs[4·at…], intercepts
 * b[bAt…bAt + 3]; η of the k-th λ at row i goes to out[outAt + k·m + i].
 */
function etaBlock(
  x: Float64Array,
  p: number,
  r0: number,
  r1: number,
  idx: Int32Array,
  coefs: Float64Array,
  at: number,
  nnz: number,
  b: Float64Array,
  bAt: number,
  out: Float64Array,
  outAt: number,
  m: number,
): void {
  const b0 = b[bAt];
  const b1 = b[bAt + 1];
  const b2 = b[bAt + 2];
  const b3 = b[bAt + 3];
  const o0 = outAt;
  const o1 = outAt + m;
  const o2 = outAt + 2 * m;
  const o3 = outAt + 3 * m;
  let i = r0;
  for (; i + 2 <= r1; i += 2) {
    const x0 = i * p;
    const x1 = x0 + p;
    let s00 = b0;
    let s01 = b1;
    let s02 = b2;
    let s03 = b3;
    let s10 = b0;
    let s11 = b1;
    let s12 = b2;
    let s13 = b3;
    for (let t = 0; t < nnz; t++) {
      const j = idx[at + t];
      const c = 4 * (at + t);
      const c0 = coefs[c];
      const c1 = coefs[c + 1];
      const c2 = coefs[c + 2];
      const c3 = coefs[c + 3];
      const v0 = x[x0 + j];
      const v1 = x[x1 + j];
      s00 += v0 * c0;
      s01 += v0 * c1;
      s02 += v0 * c2;
      s03 += v0 * c3;
      s10 += v1 * c0;
      s11 += v1 * c1;
      s12 += v1 * c2;
      s13 += v1 * c3;
    }
    out[o0 + i] = s00;
    out[o1 + i] = s01;
    out[o2 + i] = s02;
    out[o3 + i] = s03;
    out[o0 + i + 1] = s10;
    out[o1 + i + 1] = s11;
    out[o2 + i + 1] = s12;
    out[o3 + i + 1] = s13;
  }
  for (; i < r1; i++) {
    const xi = i * p;
    let s0 = b0;
    let s1 = b1;
    let s2 = b2;
    let s3 = b3;
    for (let t = 0; t < nnz; t++) {
      const v = x[xi + idx[at + t]];
      const c = 4 * (at + t);
      s0 += v * coefs[c];
      s1 += v * coefs[c + 1];
      s2 += v * coefs[c + 2];
      s3 += v * coefs[c + 3];
    }
    out[o0 + i] = s0;
    out[o1 + i] = s1;
    out[o2 + i] = s2;
    out[o3 + i] = s3;
  }
}

/**
 * measureError(y, σ(η), true, measure) without the arrays of probabilities: the same operations in the
 * same order (σ, the clip, each term, the sum in row order), so the same bits. A CV cell evaluates it
 * for every λ, and the two arrays per λ were most of the cost of its errors.
 */
export function logisticError(y: Float64Array, eta: Float64Array, measure: CvMeasure): number {
  const m = y.length;
  const prob = (i: number): number => Math.min(Math.max(1 / (1 + Math.exp(-eta[i])), PROB_MIN), 1 - PROB_MIN);
  switch (measure) {
    case 'deviance': {
      let sum = 0;
      for (let i = 0; i < m; i++) {
        const p = prob(i);
        sum += -2 * (y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p));
      }
      return sum / m;
    }
    case 'misclass': {
      let wrong = 0;
      for (let i = 0; i < m; i++) wrong += (prob(i) > 0.5 ? 1 : 0) !== y[i] ? 1 : 0;
      return wrong / m;
    }
    case 'mse': {
      let sum = 0;
      for (let i = 0; i < m; i++) sum += 2 * (y[i] - prob(i)) ** 2;
      return sum / m;
    }
    case 'auc':
      return measureError(y, eta.map((e) => 1 / (1 + Math.exp(-e))), true, measure);
  }
}

/**
 * A fold's error from its predictions: ŷ for regression, P(y = 1) for classification (clipped to
 * [1e-5, 1 − 1e-5] as cv.glmnet does before the deviance).
 */
export function measureError(y: Float64Array, prediction: Float64Array, classification: boolean, measure: CvMeasure): number {
  const m = y.length;
  if (!classification) {
    if (measure !== 'mse') throw new RidgelineError('BAD_OPTIONS', `measure "${measure}" is for classification; regression uses mse`);
    let sum = 0;
    for (let i = 0; i < m; i++) sum += (y[i] - prediction[i]) ** 2;
    return sum / m;
  }
  const prob = prediction.map((q) => Math.min(Math.max(q, PROB_MIN), 1 - PROB_MIN));
  switch (measure) {
    case 'deviance': {
      let sum = 0;
      for (let i = 0; i < m; i++) sum += -2 * (y[i] * Math.log(prob[i]) + (1 - y[i]) * Math.log(1 - prob[i]));
      return sum / m;
    }
    case 'misclass': {
      let wrong = 0;
      for (let i = 0; i < m; i++) wrong += (prob[i] > 0.5 ? 1 : 0) !== y[i] ? 1 : 0;
      return wrong / m;
    }
    case 'auc':
      // Reported as AUC itself (higher is better), as cv.glmnet does; summarizeCv picks the maximum.
      return auc(prob, y);
    case 'mse': {
      // cv.glmnet's binomial mse sums over both class columns: (y − p)² + ((1 − y) − (1 − p))² = 2(y − p)².
      let sum = 0;
      for (let i = 0; i < m; i++) sum += 2 * (y[i] - prob[i]) ** 2;
      return sum / m;
    }
  }
}

/** Whether a configuration is fitted as one warm-started coordinate-descent path (glmnet's way). */
export function fitsAsPath(options: Pick<FitOptions, 'model' | 'solver'>): boolean {
  return options.model !== 'mlp' && (options.solver === 'cd' || options.solver === 'auto');
}

function isClassification(options: Pick<FitOptions, 'model' | 'task'>): boolean {
  return options.model === 'logistic' || (options.model === 'mlp' && options.task === 'classification');
}

function nonzeroOf(result: FitResult): number {
  let n = 0;
  if (result.layers) for (const layer of result.layers) for (const w of layer.weights) n += w !== 0 ? 1 : 0;
  else for (const w of result.coef) n += w !== 0 ? 1 : 0;
  return n;
}

/**
 * A cell for solvers and models without a coordinate-descent path (gd, sgd, adam, fista, MLPs): one
 * independent fit per λ with the configuration's own solver and settings, measured on the fold.
 */
export function fitCell(design: Design, folds: Int32Array, fold: number, lambdas: ArrayLike<number>, options: FitOptions, measure: CvMeasure): CellResult {
  const train = subsetRows(design, (i) => folds[i] !== fold);
  const test = subsetRows(design, (i) => folds[i] === fold);
  if (test.m === 0) throw new RidgelineError('BAD_DATA', `fold ${fold} holds no rows`);
  const errors = new Float64Array(lambdas.length);
  const nonzero = new Float64Array(lambdas.length);
  let iterations = 0;
  let statusReason: string | null = null;
  for (let l = 0; l < lambdas.length; l++) {
    const { result } = fit(train, { ...options, lambda: lambdas[l] });
    iterations += result.iterations;
    if (result.status !== 'completed') statusReason ??= `λ = ${lambdas[l]}: ${result.status}${result.statusReason ? ` (${result.statusReason})` : ''}`;
    errors[l] = result.status === 'diverged' ? Number.NaN : measureError(test.y, predict(result, test.x, test.m, test.p, options), isClassification(options), measure);
    nonzero[l] = nonzeroOf(result);
  }
  return { fold, size: test.m, errors, nonzero, iterations, statusReason };
}

/** The fits on all data for a non-path configuration: nonzero counts and (linear, logistic) coefficients. */
export function fullFitCell(design: Design, lambdas: ArrayLike<number>, options: FitOptions): FullPathResult {
  const nonzero = new Float64Array(lambdas.length);
  const intercepts = new Float64Array(lambdas.length);
  const coefs = new Float64Array(options.model === 'mlp' ? 0 : lambdas.length * design.p);
  let iterations = 0;
  let statusReason: string | null = null;
  for (let l = 0; l < lambdas.length; l++) {
    const { result } = fit(design, { ...options, lambda: lambdas[l] });
    iterations += result.iterations;
    if (result.status !== 'completed') statusReason ??= `λ = ${lambdas[l]}: ${result.status}`;
    nonzero[l] = nonzeroOf(result);
    intercepts[l] = result.intercept;
    if (options.model !== 'mlp') coefs.set(result.coef, l * design.p);
  }
  return { nonzero, intercepts, coefs, iterations, statusReason };
}

/** Area under the ROC curve by the rank-sum (Mann–Whitney) statistic, ties counted half. */
export function auc(score: ArrayLike<number>, y: ArrayLike<number>): number {
  const order = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  const ranks = new Float64Array(y.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && score[order[end + 1]] === score[order[start]]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]] = rank;
    start = end + 1;
  }
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) {
      positives++;
      rankSum += ranks[i];
    }
  }
  const negatives = y.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface CvSummary {
  cvm: Float64Array;
  cvsd: Float64Array;
  lambdaMin: number;
  lambda1se: number;
  indexMin: number;
  index1se: number;
}

export interface CvCurve {
  cvm: Float64Array;
  /** NaN at every λ while fewer than 2 folds have results (a spread needs two). */
  cvsd: Float64Array;
}

/**
 * cvm and cvsd over the folds given (any order, any number): the fold-size-weighted mean of the fold
 * errors and cv.glmnet's spread, summed in fold order. A sweep's partial curve (the folds finished so
 * far) comes from here as its final result does, so once every fold is in they are the same numbers.
 */
export function cvCurve(nLambda: number, cells: readonly Pick<CellResult, 'fold' | 'size' | 'errors'>[]): CvCurve {
  const k = cells.length;
  const sorted = [...cells].sort((a, b) => a.fold - b.fold);
  const total = sorted.reduce((n, c) => n + c.size, 0);
  const cvm = new Float64Array(nLambda);
  const cvsd = new Float64Array(nLambda);
  for (let l = 0; l < nLambda; l++) {
    let mean = 0;
    for (const c of sorted) mean += (c.size / total) * c.errors[l];
    let variance = 0;
    for (const c of sorted) variance += (c.size / total) * (c.errors[l] - mean) ** 2;
    cvm[l] = mean;
    cvsd[l] = k < 2 ? Number.NaN : Math.sqrt(variance / (k - 1));
  }
  return { cvm, cvsd };
}

/** cv.glmnet's cvm, cvsd, λ_min and λ_1se from the cells (any order). `higherIsBetter` for AUC. */
export function summarizeCv(lambdas: ArrayLike<number>, cells: readonly Pick<CellResult, 'fold' | 'size' | 'errors'>[], higherIsBetter = false): CvSummary {
  const k = cells.length;
  if (k < 2) throw new RidgelineError('BAD_OPTIONS', `cross-validation needs at least 2 folds with results (got ${k})`);
  const nl = lambdas.length;
  const { cvm, cvsd } = cvCurve(nl, cells);
  const sign = higherIsBetter ? -1 : 1;
  // λ_min: the largest λ attaining the best cvm; with a decreasing grid that is the first such index.
  let indexMin = -1;
  for (let l = 0; l < nl; l++) {
    if (Number.isNaN(cvm[l])) continue;
    if (indexMin < 0 || sign * cvm[l] < sign * cvm[indexMin] || (cvm[l] === cvm[indexMin] && lambdas[l] > lambdas[indexMin])) indexMin = l;
  }
  if (indexMin < 0) throw new RidgelineError('BAD_DATA', 'every cross-validated error is NaN');
  const bound = cvm[indexMin] + sign * cvsd[indexMin];
  let index1se = indexMin;
  for (let l = 0; l < nl; l++) {
    if (sign * cvm[l] <= sign * bound && lambdas[l] > lambdas[index1se]) index1se = l;
  }
  return { cvm, cvsd, lambdaMin: lambdas[indexMin], lambda1se: lambdas[index1se], indexMin, index1se };
}
