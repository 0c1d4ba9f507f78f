/**
 * The learning-rate guard: for full-batch gradient descent on linear and logistic models, the
 * smoothness constant L of the objective (top eigenvalue of X̃ᵀX̃/m, ¼ of it for the log-loss, plus
 * the ridge part λ(1−α)) gives the largest stable step 2/L. A step above it makes gd diverge on a
 * smooth objective (the error along the top eigenvector grows by |1 − ηL| > 1 per update).
 */
import { columnScaling, scaleDesign } from './design.ts';
import { squaredLossSmoothness } from './linalg/smoothness.ts';
import type { Design, FitOptions } from './types.ts';

export interface StepBound {
  smoothness: number;
  maxStableStep: number;
}

type BoundOptions = Pick<FitOptions, 'model' | 'lambda' | 'alpha' | 'standardize' | 'fitIntercept'>;

/** The data part of L (no penalty): the costly part, worth caching per data set and setting. */
export function dataSmoothness(design: Design, options: Omit<BoundOptions, 'lambda' | 'alpha'>): number | null {
  if (options.model === 'mlp') return null;
  const problem = options.standardize ? scaleDesign(design, columnScaling(design, options.fitIntercept)) : design;
  const curvature = options.model === 'logistic' ? 0.25 : 1;
  return curvature * squaredLossSmoothness(problem, options.fitIntercept);
}

export function stepBoundFrom(dataL: number | null, lambda: number, alpha: number): StepBound | null {
  if (dataL === null) return null;
  const smoothness = dataL + lambda * (1 - alpha);
  return { smoothness, maxStableStep: smoothness > 0 ? 2 / smoothness : Number.POSITIVE_INFINITY };
}

export function gradientStepBound(design: Design, options: BoundOptions): StepBound | null {
  return stepBoundFrom(dataSmoothness(design, options), options.lambda, options.alpha);
}

/** Warnings to show before a run starts, in words; empty when nothing is wrong. */
export function learningRateWarnings(bound: StepBound | null, solver: string, learningRate: number | undefined): string[] {
  if (bound === null || learningRate === undefined || solver !== 'gd') return [];
  if (learningRate > bound.maxStableStep) {
    return [
      `The learning rate ${learningRate} is above the largest stable step 2/L = ${bound.maxStableStep.toPrecision(6)} for this data and penalty: gradient descent will diverge. Use at most ${bound.maxStableStep.toPrecision(6)} (1/L = ${(bound.maxStableStep / 2).toPrecision(6)} is the classic safe choice).`,
    ];
  }
  return [];
}
