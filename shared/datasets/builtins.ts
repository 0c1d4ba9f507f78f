/**
 * The data sets every Ridgeline database starts with: each is generated (from a fixed seed) or
 * shipped with the app, and says where it comes from.
 */
import type { Design } from '../engine/types.ts';
import { DIABETES_COLUMNS, DIABETES_ROWS, DIABETES_TARGET } from './diabetesData.ts';
import { correlatedDesign, linearNoiseDesign, logisticSyntheticDesign, sparseWideDesign } from './generators.ts';
import { PROSTATE_COLUMNS, PROSTATE_ROWS, PROSTATE_TARGET, PROSTATE_TRAIN } from './prostateData.ts';
import { SEED_EXAMPLE, seedExampleDesign } from './seedExample.ts';

export interface BuiltinDataset {
  id: string;
  name: string;
  source: string;
  target: string;
  design: () => Design;
}

/** A design from rows of shipped data (target among the columns), optionally only some rows. */
function tableDesign(columns: readonly string[], rows: readonly (readonly number[])[], target: string, keep: (i: number) => boolean = () => true): Design {
  const targetIndex = columns.indexOf(target);
  const featureNames = columns.filter((c) => c !== target);
  const kept = rows.filter((_, i) => keep(i));
  const m = kept.length;
  const p = featureNames.length;
  const x = new Float64Array(m * p);
  const y = new Float64Array(m);
  kept.forEach((row, i) => {
    let j = 0;
    row.forEach((value, c) => {
      if (c === targetIndex) y[i] = value;
      else x[i * p + j++] = value;
    });
  });
  return { x, y, m, p, featureNames };
}

const diabetesDesign = (): Design => tableDesign(DIABETES_COLUMNS, DIABETES_ROWS, DIABETES_TARGET);

const PROSTATE_SOURCE =
  'Stamey et al. (1989), as in Hastie, Tibshirani & Friedman, "The Elements of Statistical Learning" (2nd ed., 2009), §3.2: log PSA (lpsa) against 8 clinical measures of 97 men';

export { logisticSyntheticDesign } from './generators.ts';

export const BUILTIN_DATASETS: readonly BuiltinDataset[] = [
  { ...SEED_EXAMPLE, design: () => seedExampleDesign() },
  {
    id: 'builtin:diabetes',
    name: 'Diabetes (442 × 10)',
    source:
      'Efron, Hastie, Johnstone & Tibshirani (2004), "Least Angle Regression", Annals of Statistics 32(2): 442 diabetes patients, 10 baseline variables on their original scale; target: disease progression after one year.',
    target: DIABETES_TARGET,
    design: diabetesDesign,
  },
  {
    id: 'builtin:prostate',
    name: 'Prostate (97 × 8)',
    source: `${PROSTATE_SOURCE}; all 97 rows (the book's 67/30 train/test split is the data set "Prostate, training rows").`,
    target: PROSTATE_TARGET,
    design: () => tableDesign(PROSTATE_COLUMNS, PROSTATE_ROWS, PROSTATE_TARGET),
  },
  {
    id: 'builtin:prostate-train',
    name: 'Prostate, training rows (67 × 8)',
    source: `${PROSTATE_SOURCE}; the book's 67 training rows (train = T).`,
    target: PROSTATE_TARGET,
    design: () => tableDesign(PROSTATE_COLUMNS, PROSTATE_ROWS, PROSTATE_TARGET, (i) => PROSTATE_TRAIN[i] === 1),
  },
  {
    id: 'builtin:linear-noise',
    name: 'Linear with noise (200 × 5)',
    source: 'Built-in generator: x ~ N(0,1) independent, y = 1 + Σ j·x_j + N(0, 1), m = 200, p = 5; PCG64 seed 3.',
    target: 'y',
    design: () => linearNoiseDesign({ m: 200, p: 5, sigma: 1, seed: 3 }),
  },
  {
    id: 'builtin:correlated',
    name: "glmnet's correlated design (1000 × 30, ρ = 0.5)",
    source: "Built-in generator, glmnet's benchmark design: pairwise correlation ρ = 0.5, β_j = (−1)^j·exp(−2(j−1)/20), SNR 3, m = 1000, p = 30; PCG64 seed 4.",
    target: 'y',
    design: () => correlatedDesign({ m: 1000, p: 30, rho: 0.5, snr: 3, seed: 4 }),
  },
  {
    id: 'builtin:sparse-wide',
    name: 'Sparse, wide (100 × 500)',
    source: 'Built-in generator, p > m: x ~ N(0,1), the first 10 coefficients ±2 alternating and the other 490 zero, noise N(0, 1), m = 100; PCG64 seed 5.',
    target: 'y',
    design: () => sparseWideDesign({ m: 100, p: 500, k: 10, sigma: 1, seed: 5 }),
  },
  {
    id: 'builtin:logistic',
    name: 'Logistic synthetic (500 × 10)',
    source:
      'Built-in generator: x ~ N(0,1), β_j = (−1)^j·exp(−(j−1)/4), intercept 0.5, y ~ Bernoulli(σ(0.5 + xβ)); PCG64 seed 2.',
    target: 'y',
    design: () => logisticSyntheticDesign(),
  },
];
