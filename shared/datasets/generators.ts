/**
 * Synthetic data with known truth, each a pure function of its parameters and seed (PCG64), so a
 * data set can always be regenerated exactly from what its source line states.
 */
import { Pcg64 } from '../engine/random/pcg64.ts';
import type { Design } from '../engine/types.ts';

const names = (p: number): string[] => Array.from({ length: p }, (_, j) => `x${j + 1}`);

/** glmnet's coefficients for its benchmarks: β_j = (−1)^j·exp(−2(j−1)/20), j = 1…p. */
export function glmnetBeta(p: number): Float64Array {
  return Float64Array.from({ length: p }, (_, j) => (j % 2 === 0 ? -1 : 1) * Math.exp((-2 * j) / 20));
}

/**
 * glmnet's correlated design: x_ij = sqrt(ρ)·z_i + sqrt(1−ρ)·e_ij (pairwise correlation ρ), y = xβ + ε with
 * ε ~ N(0, σ²) scaled so that sd(xβ)/σ = snr. Draws row by row: z_i, the row's e_ij, then all the noise.
 */
export function correlatedDesign(params: { m: number; p: number; rho: number; snr: number; seed: number; beta?: Float64Array }): Design {
  const { m, p, rho, snr } = params;
  const beta = params.beta ?? glmnetBeta(p);
  const rng = Pcg64.fromSeed(params.seed);
  const x = new Float64Array(m * p);
  const signal = new Float64Array(m);
  const a = Math.sqrt(rho);
  const b = Math.sqrt(1 - rho);
  for (let i = 0; i < m; i++) {
    const z = rng.normal();
    let s = 0;
    for (let j = 0; j < p; j++) {
      const v = a * z + b * rng.normal();
      x[i * p + j] = v;
      s += v * beta[j];
    }
    signal[i] = s;
  }
  let mean = 0;
  for (let i = 0; i < m; i++) mean += signal[i];
  mean /= m;
  let variance = 0;
  for (let i = 0; i < m; i++) variance += (signal[i] - mean) ** 2;
  const sigma = Math.sqrt(variance / m) / snr;
  const y = Float64Array.from(signal, (s) => s + sigma * rng.normal());
  return { x, y, m, p, featureNames: names(p) };
}

/** Independent N(0,1) features, y = 1 + Σ β_j x_j + N(0, σ²) with β_j = j (j = 1…p). */
export function linearNoiseDesign(params: { m: number; p: number; sigma: number; seed: number }): Design {
  const { m, p, sigma } = params;
  const rng = Pcg64.fromSeed(params.seed);
  const x = new Float64Array(m * p);
  for (let k = 0; k < x.length; k++) x[k] = rng.normal();
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 1;
    for (let j = 0; j < p; j++) s += (j + 1) * x[i * p + j];
    y[i] = s + sigma * rng.normal();
  }
  return { x, y, m, p, featureNames: names(p) };
}

/** Wide and sparse (p > m): N(0,1) features, the first k coefficients ±2 alternating, the rest 0, noise σ. */
export function sparseWideDesign(params: { m: number; p: number; k: number; sigma: number; seed: number }): Design {
  const { m, p, k, sigma } = params;
  const rng = Pcg64.fromSeed(params.seed);
  const x = new Float64Array(m * p);
  for (let t = 0; t < x.length; t++) x[t] = rng.normal();
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += (j % 2 === 0 ? 2 : -2) * x[i * p + j];
    y[i] = s + sigma * rng.normal();
  }
  return { x, y, m, p, featureNames: names(p) };
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
  return { x, y, m, p, featureNames: names(p) };
}
