import { Pcg64 } from '../engine/random/pcg64.ts';
import type { Design } from '../engine/types.ts';

/**
 * The seed example: m = 100, x ~ U(0,1), y = 3x + 2 + U(0,1). Drawn with numpy's default generator
 * (PCG64) seeded with 0, x first and then the noise, so it equals `seed_linear.csv` bit for bit.
 */
export const SEED_EXAMPLE = {
  id: 'builtin:seed',
  name: 'Seed example (y = 3x + 2 + U(0,1), m = 100)',
  source:
    'Built-in: the textbook ridge example, drawn with numpy-compatible PCG64 default_rng(0): x = 100 uniforms, then y = 3x + 2 + 100 uniforms.',
  target: 'y',
  featureNames: ['x'],
} as const;

export function seedExampleDesign(seed = 0, m = 100): Design {
  const rng = Pcg64.fromSeed(seed);
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  rng.fill(x);
  rng.fill(y);
  for (let i = 0; i < m; i++) y[i] = 3 * x[i] + 2 + y[i];
  return { x, y, m, p: 1, featureNames: SEED_EXAMPLE.featureNames };
}

/** The hyperparameters the seed preset starts from: λ' = 0.01 in the textbook form, so λ = 1e-4. */
export const SEED_PRESET_HYPERPARAMS = {
  model: 'linear',
  lambda: 1e-4,
  alpha: 0,
  solver: 'gd',
  learningRate: 0.01,
  maxIter: 1000,
  tol: 0,
  init: 'zeros',
  seed: 0,
} as const;
