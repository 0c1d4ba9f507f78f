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

/**
 * Splits rows into training and validation: a PCG64(seed) permutation, the first ⌈f·m⌉ rows of it
 * held out; both parts keep the data's row order. Deterministic in (m, fraction, seed).
 */
export function trainValidationSplit(design: Design, fraction: number, seed: number): { train: Design; validation: Design } {
  if (!(fraction > 0 && fraction < 1)) throw new RidgelineError('BAD_OPTIONS', `the validation fraction must be in (0, 1) (got ${fraction})`);
  const held = Math.ceil(fraction * design.m);
  if (held >= design.m) throw new RidgelineError('BAD_DATA', `holding out ${held} of ${design.m} rows leaves none to train on`);
  const order = Uint32Array.from({ length: design.m }, (_, i) => i);
  Pcg64.fromSeed(seed).shuffle(order);
  const isValidation = new Uint8Array(design.m);
  for (let k = 0; k < held; k++) isValidation[order[k]] = 1;
  return { train: subsetRows(design, (i) => isValidation[i] === 0), validation: subsetRows(design, (i) => isValidation[i] === 1) };
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
