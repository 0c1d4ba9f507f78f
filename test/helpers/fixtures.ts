import { readFileSync } from 'node:fs';
import type { Design } from '../../shared/engine/types.ts';

export const fixturePath = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;

export function readJsonFixture<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

/** A small CSV reader for fixtures (numeric cells only): the product's own CSV code is under test elsewhere. */
export function readCsvDesign(name: string, target: string, features?: readonly string[]): Design {
  const [header, ...lines] = readFileSync(fixturePath(name), 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  const featureNames = features ?? columns.filter((c) => c !== target);
  const featureIdx = featureNames.map((f) => columns.indexOf(f));
  const targetIdx = columns.indexOf(target);
  const m = lines.length;
  const p = featureNames.length;
  const x = new Float64Array(m * p);
  const y = new Float64Array(m);
  lines.forEach((line, i) => {
    const cells = line.split(',').map(Number);
    featureIdx.forEach((c, j) => (x[i * p + j] = cells[c]));
    y[i] = cells[targetIdx];
  });
  return { x, y, m, p, featureNames };
}

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
}

export interface SeedGdReference {
  lambda: number;
  learning_rate: number;
  iterations: number;
  intercept: number;
  coef: { x: number };
  objective_before_iteration: Record<string, number>;
}
