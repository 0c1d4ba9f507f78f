/**
 * Regularization paths, the building block of cross-validation: glmnet's λ_max, its default λ grid,
 * and warm-started coordinate descent along a sequence of λ values.
 */
import { RidgelineError } from '../errors.ts';
import { COVARIANCE_MAX_P, LinearCd } from './cd/linearCd.ts';
import type { CellStatistics, FoldMoments } from './cd/foldGram.ts';
import { LogisticCd } from './cd/logisticCd.ts';
import { logisticPath } from './cd/logisticPath.ts';
import { CD_DEFAULTS } from './cd/sessions.ts';
import { unscaleCoefficients, validateDesign, type ColumnScaling } from './design.ts';
import { validateLabels, sigmoid } from './logistic/logLoss.ts';
import { asGlm } from './objective.ts';
import { elasticNetPenalty } from './penalty.ts';
import type { Design, FitOptions } from './types.ts';
import { prepareColumns, prepareStandardizedColumns, sequentialColumnDots, type CdColumns } from './cd/columns.ts';
import { validateFitOptions, validateLogisticDesign } from './fit.ts';

export interface PathPoint {
  lambda: number;
  intercept: number;
  /** Coefficients on the original scale of the features. */
  coef: Float64Array;
  objective: number;
  nonzero: number;
  /** CD passes (linear) or proximal-Newton iterations (logistic) spent at this λ. */
  iterations: number;
  converged: boolean;
  /** Why this λ ended unconverged (pass cap, separable classes), else null. */
  statusReason: string | null;
}

type PathOptions = Pick<FitOptions, 'model' | 'alpha' | 'standardize' | 'fitIntercept'> &
  Partial<Pick<FitOptions, 'tol' | 'maxIter'>> & {
    /** Also certify each λ's fit by the duality gap (linear), as single fits do; off: glmnet's rule alone. */
    certify?: boolean;
    /**
     * false: callers that read no point's `objective` (cross-validation cells) let naive-mode linear paths
     * skip it (NaN), which costs a rebuild of the residual over every nonzero column at each λ (~5 % of a
     * 500 × 5,000 CV). Elsewhere it is computed anyway (cheap from the Gram columns, or from η).
     */
    objectives?: boolean;
  };

/**
 * glmnet's λ_max: the smallest λ at which every coefficient is 0,
 *   λ_max = max_j |⟨x̃_j, y − ŷ₀⟩| / (m·max(α, 1e-3)),
 * where x̃_j are the columns the penalty applies to (standardized when `standardize`, else as given;
 * centered when an intercept is fitted) and ŷ₀ is the null model's fit: ȳ for both linear and
 * logistic (the intercept-only logistic fit predicts p = ȳ), 0 (linear) or ½ (logistic) without an
 * intercept. For α < 1e-3 (ridge) it is the glmnet convention, not a true zero point (ridge never
 * zeroes coefficients). Matches glmnet 4.1's first λ (the `cv` sections of the references) to rounding.
 */
export function lambdaMax(design: Design, options: Pick<FitOptions, 'model' | 'alpha' | 'standardize' | 'fitIntercept'>): number {
  // X's finiteness is checked by the column statistics below.
  validateDesign(design, false);
  const model = asGlm(options.model);
  if (model === 'logistic') validateLabels(design);
  const { m, p, y } = design;
  const cols = options.standardize ? prepareStandardizedColumns(design, options.fitIntercept).cols : prepareColumns(design, options.fitIntercept);
  let ybar = 0;
  for (let i = 0; i < m; i++) ybar += y[i];
  ybar /= m;
  const null0 = options.fitIntercept ? ybar : model === 'logistic' ? sigmoid(0) : 0;
  const centered = y.map((v) => v - null0);
  const dots = new Float64Array(p);
  sequentialColumnDots(cols.xcol, m, p, centered, dots);
  let best = 0;
  for (let j = 0; j < p; j++) if (cols.eligible[j]) best = Math.max(best, Math.abs(dots[j] / m));
  // Nothing here is kept: the columns' memory goes to the next heap (the cells', where this process runs them).
  cols.kernels?.release();
  return guardedLambdaMax(best, options.alpha);
}

/**
 * top / max(α, 1e-3), rounded up where needed so that λ_max·α ≥ top exactly: at λ_max the solvers' zero
 * test |g_j| ≤ λα (g_j computed as `top` was) then keeps every coefficient at exactly 0.
 */
export function guardedLambdaMax(top: number, alpha: number): number {
  let lambdaMax = top / Math.max(alpha, 1e-3);
  if (alpha >= 1e-3) while (lambdaMax * alpha < top) lambdaMax += lambdaMax * Number.EPSILON;
  return lambdaMax;
}

/**
 * glmnet's default grid: n values log-spaced from λ_max down to ratio·λ_max, ratio = 1e-4 when m > p,
 * else 1e-2 (glmnet's lambda.min.ratio).
 */
export function defaultLambdaGrid(
  design: Design,
  options: Pick<FitOptions, 'model' | 'alpha' | 'standardize' | 'fitIntercept'>,
  n = 100,
  ratio?: number,
): Float64Array {
  checkGridShape(design, n, ratio);
  return logGrid(lambdaMax(design, options), design, n, ratio);
}

function checkGridShape(design: Pick<Design, 'm' | 'p'>, n: number, ratio?: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new RidgelineError('BAD_OPTIONS', `the number of λ values must be an integer ≥ 1 (got ${n})`);
  const r = ratio ?? (design.m > design.p ? 1e-4 : 1e-2);
  if (!(r > 0 && r < 1)) throw new RidgelineError('BAD_OPTIONS', `lambda-min-ratio must be in (0, 1) (got ${r})`);
  return r;
}

/** glmnet's grid below a given λ_max: n values log-spaced down to ratio·λ_max (ratio as defaultLambdaGrid's). */
export function logGrid(top: number, design: Pick<Design, 'm' | 'p'>, n = 100, ratio?: number): Float64Array {
  const r = checkGridShape(design, n, ratio);
  if (!(top > 0)) {
    throw new RidgelineError('BAD_DATA', 'cannot build a λ grid: λ_max is 0 (the response is constant or no column varies), so every λ gives w = 0');
  }
  const grid = new Float64Array(n);
  const logStep = n > 1 ? Math.log(r) / (n - 1) : 0;
  for (let k = 0; k < n; k++) grid[k] = top * Math.exp(k * logStep);
  return grid;
}

/**
 * Fits every λ of `lambdas` in the order given (decreasing is the efficient order, as in glmnet), each
 * warm-started from the previous solution, with coordinate descent. Cost is shared: the design is
 * standardized and laid out once, and (linear, p ≤ 500) Gram columns are reused across λ.
 * `tol` and `maxIter` (per λ) follow the cd solver's meaning and defaults.
 */
export function fitPath(design: Design, options: PathOptions, lambdas: Float64Array | readonly number[]): PathPoint[] {
  // X's finiteness is checked by the column statistics (cd/columns.ts), the first pass over X.
  validateDesign(design, false);
  const model = asGlm(options.model);
  validatePathOptions(options, lambdas);
  if (model === 'linear') return linearPathOnRows(design, undefined, options, lambdas);
  validateLogisticDesign(design, options.fitIntercept);
  // The standardized columns are built straight from X, with the same bits as from a row-major scaled
  // copy (which neither solver needs: both read columns, and the objectives come from the residual or η).
  let scaling: ColumnScaling | null = null;
  let columns: CdColumns | undefined;
  if (options.standardize) ({ cols: columns, scaling } = prepareStandardizedColumns(design, options.fitIntercept));
  const cd = new LogisticCd(design, options.fitIntercept, columns);
  try {
    return logisticPath(cd, options, lambdas, scaling);
  } finally {
    columns?.kernels?.release();
  }
}

/**
 * The linear path on some rows of the design (a CV cell's training rows, in order): fitPath on a copy
 * of those rows, bit for bit, without the copy (its columns are built from the rows in place).
 */
export function fitLinearPathOnRows(design: Design, rows: Int32Array, options: PathOptions, lambdas: Float64Array | readonly number[]): PathPoint[] {
  if (asGlm(options.model) !== 'linear') throw new RidgelineError('BAD_OPTIONS', 'paths on a row subset are for the linear model');
  validateDesign(design, false);
  validatePathOptions(options, lambdas);
  if (rows.length < 1) throw new RidgelineError('BAD_DATA', 'the training rows are empty');
  for (let k = 0; k < rows.length; k++) {
    if (!(rows[k] >= 0 && rows[k] < design.m)) throw new RidgelineError('INTERNAL', `training row ${rows[k]} is outside the data (${design.m} rows)`);
  }
  return linearPathOnRows(design, rows, options, lambdas);
}

/**
 * The linear path on the given rows of a validated design (all of them when `rows` is undefined): the
 * columns are built from those rows (standardized or as given), and once the path is done their heap goes
 * back to the pool for the next cell (kernels/heap.ts): the points hold copies of the coefficients, so
 * nothing refers to it any more.
 */
function linearPathOnRows(design: Design, rows: Int32Array | undefined, options: PathOptions, lambdas: Float64Array | readonly number[]): PathPoint[] {
  // The columns never read x again: the rows' shape and response are all the solver takes from the design.
  const train: Design = rows ? { x: new Float64Array(0), y: Float64Array.from(rows, (i) => design.y[i]), m: rows.length, p: design.p, featureNames: design.featureNames } : design;
  let scaling: ColumnScaling | null = null;
  let columns: CdColumns;
  if (options.standardize) ({ cols: columns, scaling } = prepareStandardizedColumns(design, options.fitIntercept, rows));
  else columns = prepareColumns(design, options.fitIntercept, rows);
  const cd = new LinearCd(train, options.fitIntercept, false, columns);
  try {
    return linearPath(cd, options, lambdas, scaling);
  } finally {
    cd.cols.kernels?.release();
  }
}

function validatePathOptions(options: PathOptions, lambdas: Float64Array | readonly number[]): void {
  validateFitOptions({ ...options, lambda: 0, solver: 'cd', batchSize: 1, init: 'zeros', seed: 0, hidden: [], activation: 'relu', momentum: 0, lrDecay: 1 });
  for (let k = 0; k < lambdas.length; k++) {
    const l = lambdas[k];
    if (!(l >= 0) || !Number.isFinite(l)) throw new RidgelineError('BAD_OPTIONS', `lambdas[${k}] must be a finite number ≥ 0 (got ${l})`);
  }
}

/**
 * The linear path of a cross-validation cell from its folds' moments (cd/foldGram.ts): trains on every
 * fold of `moments` but `heldOut` (−1: all rows) without touching the rows, in covariance mode. The
 * same path as fitPath on those rows up to rounding (the moments are sums in another order).
 */
export function fitPathFromMoments(
  moments: FoldMoments,
  heldOut: number,
  options: PathOptions,
  lambdas: Float64Array | readonly number[],
  statistics?: CellStatistics,
): PathPoint[] {
  if (asGlm(options.model) !== 'linear') throw new RidgelineError('BAD_OPTIONS', 'paths from moments are for the linear model');
  if (moments.p > COVARIANCE_MAX_P) throw new RidgelineError('BAD_OPTIONS', `paths from moments need covariance mode (p ≤ ${COVARIANCE_MAX_P}; got ${moments.p})`);
  validatePathOptions(options, lambdas);
  const stats = statistics ?? moments.cellStatistics(heldOut, options.fitIntercept, options.standardize);
  if (!stats.reliable) throw new RidgelineError('INTERNAL', 'the fold moments are too coarse for this cell (a column nearly constant on its rows); fit it from the rows');
  const { n, means, eligible, sqNorm } = stats;
  const p = moments.p;
  const columns: CdColumns = { m: n, p, xcol: new Float64Array(0), views: [], means, eligible, sqNorm, kernels: null };
  const shape: Design = { x: new Float64Array(0), y: new Float64Array(0), m: n, p, featureNames: [] };
  const cd = new LinearCd(shape, options.fitIntercept, false, columns, stats.source, stats);
  return linearPath(cd, options, lambdas, stats.scaling);
}

/** Polishes of one λ's point that may send it back to passes (LinearCd.polish), before it is accepted as settled. */
const MAX_POLISHES = 4;

/**
 * Naive mode polishes only below this tol. Why: there a polish pays for its face's Gram rows with passes
 * over the data. At glmnet's default thresh (1e-7) naive mode without it takes glmnet's own steps
 * (linearCd.ts setPenalty): its CV curves equal cv.glmnet's to ~1e-14 (test/unit/engine/wide-cv.test.ts),
 * as far from the exact curve as glmnet's (2.7e-2 on the 50 × 1,000 reference, 3.6e-3 on 500 × 5,000).
 * Polishing there made the 50 × 1,000 curve exact, but on 500 × 5,000 folds it cost 12 % more time and
 * did not reach the exact curve within its budget. Where tol asks for exactness (1e-12) it is what gets
 * p ≥ n paths there. Covariance mode always polishes: its Gram rows are already computed.
 */
const NAIVE_POLISH_TOL = 1e-9;

/** Warm-started coordinate descent down `lambdas`, each point reported on the original scale. */
function linearPath(cd: LinearCd, options: PathOptions, lambdas: Float64Array | readonly number[], scaling: ColumnScaling | null): PathPoint[] {
  const { alpha } = options;
  const tol = options.tol ?? CD_DEFAULTS.tol;
  const maxIter = options.maxIter ?? CD_DEFAULTS.maxIter;
  cd.certify = options.certify ?? false;
  const threshold = tol * cd.scale;
  const polishing = cd.covariance || tol < NAIVE_POLISH_TOL;
  const points: PathPoint[] = [];
  for (const lambda of lambdas) {
    cd.setPenalty(lambda, alpha);
    let passes = 0;
    let converged = false;
    // Settled by the rule, the point is moved to the exact optimum where that pays (LinearCd.polish); a
    // point it improved but could not verify (a column joins, or its budget ran out) goes back to passes.
    // Slow passes are polished on the way too, as often as they pay for it: a point verified optimal is
    // done, however far the rule still is from settling.
    let polishes = 0;
    while (passes < maxIter) {
      passes++;
      if (cd.pass(threshold)) {
        converged = true;
        if (!polishing || polishes === MAX_POLISHES || cd.polish() !== 'improved') break;
        polishes++;
      } else if (polishing && cd.polishDue && cd.polish() === 'optimal') {
        converged = true;
        break;
      }
    }
    // The data loss without another pass over X per λ, which would cost as much as the fit itself:
    // from the exact gradient's identities (O(p·|active|) with the Gram columns), or (naive mode)
    // from the residual rebuilt over the nonzero columns.
    const objective = options.objectives === false && !cd.covariance ? Number.NaN : cd.exactLoss() + elasticNetPenalty(cd.w, lambda, alpha);
    const reason = converged ? null : `stopped after ${maxIter} passes without reaching tol = ${tol}`;
    points.push(pathPoint(lambda, cd.intercept(), cd.w, scaling, objective, passes, converged, reason));
  }
  return points;
}

/** A solution on the solver's scale reported as a path point: coefficients on the original scale, their nonzeros. */
function pathPoint(lambda: number, b: number, w: Float64Array, scaling: ColumnScaling | null, objective: number, iterations: number, converged: boolean, statusReason: string | null): PathPoint {
  const back = scaling ? unscaleCoefficients(b, w, scaling) : { intercept: b, coef: Float64Array.from(w) };
  let nonzero = 0;
  for (let j = 0; j < w.length; j++) if (back.coef[j] !== 0) nonzero++;
  return { lambda, intercept: back.intercept, coef: back.coef, objective, nonzero, iterations, converged, statusReason };
}
