/**
 * Held-out validation during training: a seeded split of the rows, and a session wrapper that records
 * the data loss on the held-out rows at every step (the `validationLoss` metric), whatever the solver.
 */
import { RidgelineError } from '../errors.ts';
import { subsetRows } from './design.ts';
import { dataLoss } from './objective.ts';
import { predict } from './predict.ts';
import { Pcg64 } from './random/pcg64.ts';
import type { Design, FitOptions, FitResult, FitSession } from './types.ts';

export interface RowSplit {
  train: Design;
  /** Null when no rows are held out for validation. */
  validation: Design | null;
  /** Null when no rows are held out for testing. */
  test: Design | null;
}

/**
 * Splits rows into training, validation and test sets: one PCG64(seed) permutation; its first
 * ⌈v·m⌉ rows are the validation set, the next ⌈t·m⌉ the test set, the rest the training set; every
 * part keeps the data's row order. Deterministic in (m, v, t, seed), and with t = 0 the same split as
 * a validation-only one (runs stored before test sets existed reproduce exactly). The test rows are
 * never trained on nor used to stop: they are measured once, on the final parameters.
 */
export function splitRows(design: Design, validationFraction: number, testFraction: number, seed: number): RowSplit {
  const part = splitLabels(design.m, validationFraction, testFraction, seed);
  return {
    train: partRows(design, part, TRAIN)!,
    validation: partRows(design, part, VALIDATION),
    test: partRows(design, part, TEST),
  };
}

const TRAIN = 0;
const VALIDATION = 1;
const TEST = 2;

/** Each row's part (TRAIN, VALIDATION or TEST) as splitRows assigns it, without copying any rows. */
function splitLabels(m: number, validationFraction: number, testFraction: number, seed: number): Uint8Array {
  const { heldV, heldT } = heldOutCounts(m, validationFraction, testFraction);
  const order = Uint32Array.from({ length: m }, (_, i) => i);
  Pcg64.fromSeed(seed).shuffle(order);
  const part = new Uint8Array(m);
  for (let k = 0; k < heldV; k++) part[order[k]] = VALIDATION;
  for (let k = heldV; k < heldV + heldT; k++) part[order[k]] = TEST;
  return part;
}

/** The rows of one part, in the data's order; null when the part is empty (and not the training part). */
function partRows(design: Design, part: Uint8Array, which: number): Design | null {
  if (which !== TRAIN && !part.includes(which)) return null;
  return subsetRows(design, (i) => part[i] === which);
}

/**
 * How many of m rows a split holds out, ⌈v·m⌉ for validation and ⌈t·m⌉ for test (each product in double
 * precision, as runs have always been split); refuses shares that leave no row to train on, so a form
 * can say so before a run starts.
 */
export function heldOutCounts(m: number, validationFraction: number, testFraction: number): { heldV: number; heldT: number } {
  const v = validationFraction;
  const t = testFraction;
  if (!(v >= 0 && v < 1)) throw new RidgelineError('BAD_OPTIONS', `the validation fraction must be in [0, 1) (got ${v})`);
  if (!(t >= 0 && t < 1)) throw new RidgelineError('BAD_OPTIONS', `the test fraction must be in [0, 1) (got ${t})`);
  const heldV = Math.ceil(v * m);
  const heldT = Math.ceil(t * m);
  if (heldV + heldT >= m) {
    throw new RidgelineError('BAD_DATA', `holding out ${heldV + heldT} of ${m} rows (${heldV} validation, ${heldT} test) leaves none to train on`);
  }
  return { heldV, heldT };
}

/** The rows a fit trains on: all of them, or what its validation and test fractions leave (only they are copied). */
export function trainingRows(design: Design, options: Pick<FitOptions, 'validationFraction' | 'testFraction' | 'seed'>): Design {
  if (!options.validationFraction && !options.testFraction) return design;
  return partRows(design, splitLabels(design.m, options.validationFraction ?? 0, options.testFraction ?? 0, options.seed), TRAIN)!;
}

/**
 * The data loss of a finished fit on its test rows (see splitRows), on the objective's scale; null when
 * the fit holds out no test rows or its parameters are not finite (a diverged run).
 */
export function testLoss(design: Design, options: FitOptions, result: FitResult): number | null {
  if (!options.testFraction) return null;
  const test = partRows(design, splitLabels(design.m, options.validationFraction ?? 0, options.testFraction, options.seed), TEST)!;
  const loss = heldOutLoss(result, test, options);
  return Number.isFinite(loss) ? loss : null;
}

/** The data loss (no penalty) of a result on rows it was not trained on, on the objective's scale. */
export function heldOutLoss(result: FitResult, validation: Design, options: Pick<FitOptions, 'model' | 'activation' | 'task'>): number {
  if (options.model !== 'mlp') return dataLoss(validation, options.model, result.intercept, result.coef);
  const prediction = predict(result, validation.x, validation.m, validation.p, options);
  let sum = 0;
  for (let i = 0; i < validation.m; i++) {
    const y = validation.y[i];
    if (options.task === 'classification') {
      const q = Math.min(Math.max(prediction[i], 1e-15), 1 - 1e-15);
      sum -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
    } else {
      sum += 0.5 * (prediction[i] - y) ** 2;
    }
  }
  return sum / validation.m;
}

/**
 * Advances the inner session one step at a time and evaluates its current parameters on the
 * validation rows after each, filling the `validationLoss` column of the metrics it reports.
 */
export function withValidation(inner: FitSession, validation: Design, options: FitOptions): FitSession {
  let losses = new Float64Array(1024);
  let evaluated = 0;
  const catchUp = (): void => {
    while (evaluated < inner.stepCount) {
      if (evaluated === losses.length) {
        const grown = new Float64Array(losses.length * 2);
        grown.set(losses);
        losses = grown;
      }
      // Only the newest step's parameters exist; a session records one step per advance(1).
      losses[evaluated] = evaluated === inner.stepCount - 1 ? heldOutLoss(inner.result(), validation, options) : Number.NaN;
      evaluated++;
    }
  };
  catchUp();
  return {
    advance(maxSteps) {
      for (let s = 0; s < maxSteps && !inner.finished; s++) {
        inner.advance(1);
        catchUp();
      }
      return inner.finished;
    },
    get finished() {
      return inner.finished;
    },
    get stepCount() {
      return inner.stepCount;
    },
    metricsSince(from) {
      const batch = inner.metricsSince(from);
      batch.columns.validationLoss = losses.slice(batch.firstStep, batch.firstStep + batch.count);
      return batch;
    },
    cancel: () => inner.cancel(),
    result: () => inner.result(),
  };
}
