/** Shared helpers for comparing fits with the scikit-learn / glmnet reference optima. */
import { expect } from 'vitest';
import { fitKkt, fitObjective } from '../../../shared/engine/objective.ts';
import { DEFAULT_FIT_OPTIONS, type FitOptions, type FitResult } from '../../../shared/engine/types.ts';
import { loadDesign, loadReference, type Reference, type ReferenceCase } from './loadCsv.ts';

export const LINEAR_REFERENCES = ['seed_linear.json', 'diabetes.json', 'corr_gauss.json', 'diabetes_glmnet.json', 'corr_gauss_glmnet.json'];
export const LOGISTIC_REFERENCES = ['logistic_synth_glmnet.json', 'logistic_synth_enet_glmnet.json'];

export interface LoadedCase {
  name: string;
  ref: Reference;
  c: ReferenceCase;
  options: FitOptions;
}

export function referenceCases(files: readonly string[]): LoadedCase[] {
  return files.flatMap((file) => {
    const ref = loadReference(file);
    return ref.cases.map((c) => ({
      name: `${file} ${c.model} λ=${c.lambda} α=${c.alpha} standardize=${c.standardize}`,
      ref,
      c,
      options: { ...DEFAULT_FIT_OPTIONS, model: c.model, lambda: c.lambda, alpha: c.alpha, standardize: c.standardize },
    }));
  });
}

const designs = new Map<string, ReturnType<typeof loadDesign>>();
export function designOf(ref: Reference): ReturnType<typeof loadDesign> {
  const key = `${ref.data}|${ref.target}|${ref.features.join(',')}`;
  let d = designs.get(key);
  if (!d) {
    d = loadDesign(ref.data, ref.features, ref.target);
    designs.set(key, d);
  }
  return d;
}

export interface Deviation {
  objectiveRel: number;
  coefScaled: number;
  kktMax: number;
  zeroMismatches: number;
}

/**
 * Compares a result with the reference: J relative to the reference's J (the file's `objective`, else
 * J of the reference coefficients by our objective), coefficients and intercept relative to
 * max(1, ‖w_ref‖∞), KKT residuals of our coefficients, and the exact-zero pattern.
 */
export function deviation(lc: LoadedCase, result: FitResult): Deviation {
  const { ref, c, options } = lc;
  const design = designOf(ref);
  const refCoef = Float64Array.from(ref.features.map((f) => c.coef[f]));
  const refObjective = c.objective ?? fitObjective(design, options, c.intercept, refCoef);
  let scale = 1;
  for (const v of refCoef) scale = Math.max(scale, Math.abs(v));
  let coefScaled = Math.abs(result.intercept - c.intercept) / scale;
  let zeroMismatches = 0;
  refCoef.forEach((v, j) => {
    coefScaled = Math.max(coefScaled, Math.abs(result.coef[j] - v) / scale);
    if ((result.coef[j] === 0) !== (v === 0)) zeroMismatches++;
  });
  const kkt = fitKkt(design, options, result.intercept, result.coef);
  return {
    objectiveRel: Math.abs(result.objective - refObjective) / Math.abs(refObjective),
    coefScaled,
    kktMax: Math.max(kkt.max, kkt.intercept),
    zeroMismatches,
  };
}

export function expectMatchesReference(lc: LoadedCase, result: FitResult, opts: { kkt?: number; zeros?: boolean } = {}): Deviation {
  const d = deviation(lc, result);
  expect(result.status, lc.name).toBe('completed');
  expect(d.objectiveRel, `${lc.name}: objective`).toBeLessThanOrEqual(1e-7);
  expect(d.coefScaled, `${lc.name}: coefficients`).toBeLessThanOrEqual(1e-4);
  if (opts.kkt !== undefined) expect(d.kktMax, `${lc.name}: KKT`).toBeLessThanOrEqual(opts.kkt);
  if (opts.zeros ?? lc.c.alpha > 0) expect(d.zeroMismatches, `${lc.name}: zero pattern`).toBe(0);
  return d;
}

/** Worst deviations over a set of results, for the log. */
export function worst(devs: readonly Deviation[]): Deviation {
  return devs.reduce(
    (w, d) => ({
      objectiveRel: Math.max(w.objectiveRel, d.objectiveRel),
      coefScaled: Math.max(w.coefScaled, d.coefScaled),
      kktMax: Math.max(w.kktMax, d.kktMax),
      zeroMismatches: w.zeroMismatches + d.zeroMismatches,
    }),
    { objectiveRel: 0, coefScaled: 0, kktMax: 0, zeroMismatches: 0 },
  );
}
