import { writeFileSync } from 'node:fs';
import { Pcg64 } from '../../shared/engine/random/pcg64.ts';

/**
 * Writes glmnet's correlated design as CSV: x_ij = sqrt(ρ)·z_i + sqrt(1−ρ)·e_ij, β_j = (−1)^j·exp(−2(j−1)/20),
 * y = xβ + noise scaled for SNR 3. Deterministic from `seed`.
 */
export function writeCorrelatedCsv(path: string, m: number, p: number, seed: number, rho = 0.5): void {
  const rng = Pcg64.fromSeed(seed);
  const beta = Array.from({ length: p }, (_, j) => (j % 2 === 0 ? 1 : -1) * Math.exp((-2 * j) / 20));
  const rows: string[] = [[...Array.from({ length: p }, (_, j) => `x${j + 1}`), 'y'].join(',')];
  const signal: number[] = [];
  const xs: number[][] = [];
  for (let i = 0; i < m; i++) {
    const z = rng.normal();
    const x = Array.from({ length: p }, () => Math.sqrt(rho) * z + Math.sqrt(1 - rho) * rng.normal());
    xs.push(x);
    signal.push(x.reduce((s, v, j) => s + v * beta[j], 0));
  }
  const mean = signal.reduce((a, b) => a + b, 0) / m;
  const sd = Math.sqrt(signal.reduce((a, b) => a + (b - mean) ** 2, 0) / m);
  for (let i = 0; i < m; i++) rows.push([...xs[i], signal[i] + (sd / 3) * rng.normal()].join(','));
  writeFileSync(path, `${rows.join('\n')}\n`);
}
