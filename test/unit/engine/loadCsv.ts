/** Test-only CSV loading: numeric cells, header row, comma-separated (the fixtures have no quoting). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Design } from '../../../shared/engine/types.ts';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export function loadCsv(name: string): { header: string[]; rows: number[][] } {
  const text = readFileSync(FIXTURES + name, 'utf8').trim();
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const rows = lines.slice(1).map((line, k) =>
    line.split(',').map((cell, j) => {
      const v = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(v)) throw new Error(`${name}: row ${k + 1}, column ${header[j]}: "${cell}" is not a number`);
      return v;
    }),
  );
  return { header, rows };
}

/** The design with exactly `features` as columns (in that order) and `target` as y. */
export function loadDesign(name: string, features: readonly string[], target: string): Design {
  const { header, rows } = loadCsv(name);
  const idx = features.map((f) => {
    const j = header.indexOf(f);
    if (j < 0) throw new Error(`${name} has no column ${f}`);
    return j;
  });
  const t = header.indexOf(target);
  if (t < 0) throw new Error(`${name} has no column ${target}`);
  const m = rows.length;
  const p = features.length;
  const x = new Float64Array(m * p);
  const y = new Float64Array(m);
  rows.forEach((row, i) => {
    idx.forEach((j, k) => {
      x[i * p + k] = row[j];
    });
    y[i] = row[t];
  });
  return { x, y, m, p, featureNames: [...features] };
}

export interface ReferenceCase {
  model: 'linear' | 'logistic';
  lambda: number;
  alpha: number;
  standardize: boolean;
  intercept: number;
  coef: Record<string, number>;
  objective?: number;
  nonzero?: number;
}

export interface Reference {
  data: string;
  target: string;
  features: string[];
  source: string;
  cases: ReferenceCase[];
  cv?: { alpha: number; standardize: boolean; lambda: number[]; nonzero: number[] };
}

export function loadReference(name: string): Reference {
  return JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as Reference;
}
