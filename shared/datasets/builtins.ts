/**
 * The data sets every Ridgeline database starts with: each is generated (from a fixed seed) or
 * shipped with the app, and says where it comes from.
 */
import { Pcg64 } from '../engine/random/pcg64.ts';
import type { Design } from '../engine/types.ts';
import { DIABETES_COLUMNS, DIABETES_ROWS, DIABETES_TARGET } from './diabetesData.ts';
import { SEED_EXAMPLE, seedExampleDesign } from './seedExample.ts';

export interface BuiltinDataset {
  id: string;
  name: string;
  source: string;
  target: string;
  design: () => Design;
}

function diabetesDesign(): Design {
  const targetIndex = DIABETES_COLUMNS.indexOf(DIABETES_TARGET);
  const featureNames = DIABETES_COLUMNS.filter((c) => c !== DIABETES_TARGET);
  const m = DIABETES_ROWS.length;
  const p = featureNames.length;
  const x = new Float64Array(m * p);
  const y = new Float64Array(m);
  DIABETES_ROWS.forEach((row, i) => {
    let j = 0;
    row.forEach((value, c) => {
      if (c === targetIndex) y[i] = value;
      else x[i * p + j++] = value;
    });
  });
  return { x, y, m, p, featureNames };
}

/**
 * Logistic data with known coefficients: x ~ N(0, 1) independent, β_j = (−1)^j·exp(−(j−1)/4),
 * intercept 0.5, y ~ Bernoulli(σ(0.5 + xβ)). Drawn from PCG64(seed): features row by row, then labels.
 */
export function logisticSyntheticDesign(seed = 2, m = 500, p = 10): Design {
  const rng = Pcg64.fromSeed(seed);
  const x = new Float64Array(m * p);
  for (let k = 0; k < x.length; k++) x[k] = rng.normal();
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let eta = 0.5;
    for (let j = 0; j < p; j++) eta += x[i * p + j] * (j % 2 === 0 ? -1 : 1) * Math.exp(-j / 4);
    y[i] = rng.random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { x, y, m, p, featureNames: Array.from({ length: p }, (_, j) => `x${j + 1}`) };
}

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
    id: 'builtin:logistic',
    name: 'Logistic synthetic (500 × 10)',
    source:
      'Built-in generator: x ~ N(0,1), β_j = (−1)^j·exp(−(j−1)/4), intercept 0.5, y ~ Bernoulli(σ(0.5 + xβ)); PCG64 seed 2.',
    target: 'y',
    design: () => logisticSyntheticDesign(),
  },
];
