/**
 * Benchmark data from glmnet's simulation design (Friedman, Hastie & Tibshirani 2010, §5): features
 * with pairwise correlation ρ, x_ij = √ρ·z_i + √(1−ρ)·e_ij (z, e standard normal), coefficients
 * β_j = (−1)^j·exp(−2(j−1)/20), y = Xβ + σ·ε with σ chosen for a signal-to-noise ratio
 * sd(Xβ)/σ = 3 (population: Var(xᵀβ) = (1−ρ)‖β‖² + ρ(Σβ_j)²). Fixed seeds, the project's PCG64.
 */
import { Pcg64 } from '../shared/engine/random/pcg64.ts';
import type { Design } from '../shared/engine/types.ts';

export function glmnetDesign(m: number, p: number, rho: number, seed: number, snr = 3): Design {
  const rng = Pcg64.fromSeed(seed);
  const x = new Float64Array(m * p);
  const y = new Float64Array(m);
  const beta = new Float64Array(p);
  let sum = 0;
  let sq = 0;
  for (let j = 0; j < p; j++) {
    beta[j] = ((j + 1) % 2 === 0 ? 1 : -1) * Math.exp((-2 * j) / 20);
    sum += beta[j];
    sq += beta[j] * beta[j];
  }
  const sigma = Math.sqrt((1 - rho) * sq + rho * sum * sum) / snr;
  const a = Math.sqrt(rho);
  const b = Math.sqrt(1 - rho);
  for (let i = 0; i < m; i++) {
    const z = rng.normal();
    let signal = 0;
    const row = i * p;
    for (let j = 0; j < p; j++) {
      const v = a * z + b * rng.normal();
      x[row + j] = v;
      signal += v * beta[j];
    }
    y[i] = signal + sigma * rng.normal();
  }
  return { x, y, m, p, featureNames: Array.from({ length: p }, (_, j) => `x${j + 1}`) };
}

/** Logistic labels from the same design: y_i ~ Bernoulli(sigmoid(x_iᵀβ)), same seed stream. */
export function logisticDesign(m: number, p: number, rho: number, seed: number): Design {
  const base = glmnetDesign(m, p, rho, seed);
  const rng = Pcg64.fromSeed(seed + 1);
  const { x } = base;
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += x[i * p + j] * (((j + 1) % 2 === 0 ? 1 : -1) * Math.exp((-2 * j) / 20));
    y[i] = rng.random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { ...base, y };
}

/** A design as the CSV a user would give `ridgeline cv` (columns x1…xp, then y). */
export function csvOf(design: Design): string {
  const { x, y, m, p } = design;
  const lines = [[...design.featureNames, 'y'].join(',')];
  for (let i = 0; i < m; i++) {
    const cells: string[] = [];
    for (let j = 0; j < p; j++) cells.push(String(x[i * p + j]));
    cells.push(String(y[i]));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}
