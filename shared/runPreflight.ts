/**
 * What would make a run fail at its start, asked before the run exists, so the New run form can refuse
 * it in words. The answers are the engine's own: its option checks, its label check, and its solver
 * dispatch (which solver solves which model with which penalty) exercised on a tiny probe problem, so a
 * rule the engine adds or drops is refused or allowed here too, with the engine's message.
 */
import { RidgelineError } from './errors.ts';
import { resolveSolver, startFit, validateFitOptions, validateLogisticDesign } from './engine/fit.ts';
import type { Design, FitOptions } from './engine/types.ts';

/**
 * Four rows, one column, labels 0 and 1 not separable by the column: valid data for every model and
 * task, so whatever the engine refuses on it, it refuses for the options.
 */
const PROBE: Design = { x: Float64Array.of(0, 1, 0, 1), y: Float64Array.of(0, 0, 1, 1), m: 4, p: 1, featureNames: ['probe'] };

/** Problems the engine reports as such (options that cannot work, data that cannot be used); other errors are bugs and propagate. */
function asProblem(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof RidgelineError && (error.code === 'BAD_OPTIONS' || error.code === 'BAD_DATA')) return error.message;
    throw error;
  }
}

/**
 * The options' problems on data `p` columns wide. The probe keeps the choice `auto` makes for the real
 * width, and one unit per hidden layer (the widths themselves are checked by validateFitOptions), so
 * starting it costs microseconds whatever the network.
 */
export function optionProblems(options: FitOptions, p: number): string[] {
  const invalid = asProblem(() => validateFitOptions(options));
  if (invalid !== null) return [invalid];
  const probeOptions: FitOptions = {
    ...options,
    solver: resolveSolver({ p }, options),
    standardize: false,
    validationFraction: 0,
    testFraction: 0,
    hidden: options.hidden.map(() => 1),
  };
  const refused = asProblem(() => startFit(PROBE, probeOptions).cancel());
  return refused === null ? [] : [refused];
}

export function isClassification(options: Pick<FitOptions, 'model' | 'task'>): boolean {
  return options.model === 'logistic' || (options.model === 'mlp' && options.task === 'classification');
}

/** The data's problems for these options: a classifier's target must hold labels 0 and 1 (both, with an intercept). */
export function dataProblems(design: Design, options: Pick<FitOptions, 'model' | 'task' | 'fitIntercept'>): string[] {
  if (!isClassification(options)) return [];
  const refused = asProblem(() => validateLogisticDesign(design, options.fitIntercept));
  return refused === null ? [] : [refused];
}
