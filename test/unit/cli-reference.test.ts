// Issue 3's CLI acceptance: every case of every reference file in test/fixtures (optima from
// scikit-learn 1.2.1 ElasticNet tol 1e-13 / closed-form ridge, and glmnet 4.1.6 thresh 1e-16; see
// test/fixtures/SOURCES.md) through `ridgeline fit … --tol 1e-12 --json`: the objective within 1e-7
// relative of the reference, the coefficients and the intercept within 1e-4·max(1, ‖w_ref‖∞).
// Where a file gives no objective (the glmnet ones), the reference J is computed here, independently
// of the engine, from the reference coefficients on the raw CSV (the formula is first checked against
// the files that do give J).
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mapLimited, runCliAsync, type CliResult } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

interface RefCase {
  model?: 'linear' | 'logistic';
  lambda: number;
  alpha: number;
  standardize: boolean;
  intercept: number;
  coef: Record<string, number>;
  objective?: number;
}
interface RefFile {
  data: string;
  target: string;
  features: string[];
  cases: RefCase[];
}
interface Case {
  name: string;
  ref: RefFile;
  c: RefCase;
  args: string[];
}

const files = readdirSync(fixturePath('.'))
  .filter((f) => f.endsWith('.json'))
  .sort();
const cases: Case[] = files.flatMap((file) => {
  const ref = JSON.parse(readFileSync(fixturePath(file), 'utf8')) as Partial<RefFile>;
  if (!ref.data || !ref.target || !ref.features || !Array.isArray(ref.cases)) return []; // not an optimum file (seed_gd, pcg64)
  const full = ref as RefFile;
  const header = readFileSync(fixturePath(full.data), 'utf8').split(/\r?\n/, 1)[0].split(',');
  const ignore = header.filter((col) => col !== full.target && !full.features.includes(col));
  return full.cases.map((c) => {
    const model = c.model ?? 'linear';
    const args = ['fit', '--data', fixturePath(full.data), '--target', full.target, '--model', model, '--lambda', String(c.lambda), '--alpha', String(c.alpha), '--standardize', String(c.standardize), '--tol', '1e-12', '--json'];
    if (ignore.length > 0) args.push('--ignore', ignore.join(','));
    return { name: `${file} ${model} λ=${c.lambda} α=${c.alpha} standardize=${c.standardize}`, ref: full, c, args };
  });
});

/** The raw columns of a fixture CSV. */
const csvCache = new Map<string, { x: number[][]; y: number[] }>();
function table(ref: RefFile): { x: number[][]; y: number[] } {
  const key = `${ref.data}|${ref.target}|${ref.features.join(',')}`;
  let t = csvCache.get(key);
  if (!t) {
    const [head, ...lines] = readFileSync(fixturePath(ref.data), 'utf8').trim().split(/\r?\n/);
    const cols = head.split(',');
    const rows = lines.map((l) => l.split(',').map(Number));
    t = { x: ref.features.map((f) => rows.map((r) => r[cols.indexOf(f)])), y: rows.map((r) => r[cols.indexOf(ref.target)]) };
    csvCache.set(key, t);
  }
  return t;
}

/**
 * J(b, w) on the raw data, written out here rather than taken from the engine. With `standardize` the
 * penalty applies to w_j·s_j, s_j the (1/m)-standard deviation of column j (glmnet's convention).
 */
function objectiveOf(ref: RefFile, c: RefCase, intercept: number, coef: Record<string, number>): number {
  const { x, y } = table(ref);
  const m = y.length;
  let loss = 0;
  for (let i = 0; i < m; i++) {
    let eta = intercept;
    ref.features.forEach((f, j) => (eta += x[j][i] * coef[f]));
    if (c.model === 'logistic') loss += Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta))) - y[i] * eta;
    else loss += 0.5 * (eta - y[i]) ** 2;
  }
  let l1 = 0;
  let l2 = 0;
  ref.features.forEach((f, j) => {
    let s = 1;
    if (c.standardize) {
      const mean = x[j].reduce((a, v) => a + v, 0) / m;
      s = Math.sqrt(x[j].reduce((a, v) => a + (v - mean) ** 2, 0) / m);
    }
    const wj = coef[f] * s;
    l1 += Math.abs(wj);
    l2 += wj * wj;
  });
  return loss / m + c.lambda * (c.alpha * l1 + ((1 - c.alpha) / 2) * l2);
}

describe('ridgeline fit --tol 1e-12 matches every reference case', () => {
  const outputs = new Map<string, CliResult>();
  beforeAll(async () => {
    // Two CLIs at a time: the machine has two cores.
    const results = await mapLimited(cases, 2, (lc) => runCliAsync(lc.args));
    cases.forEach((lc, k) => outputs.set(lc.name, results[k]));
  }, 240_000);

  it('finds the reference files (linear and logistic; α = 0, 0.5, 1; standardize on and off)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    for (const model of ['linear', 'logistic']) expect(cases.some((lc) => (lc.c.model ?? 'linear') === model)).toBe(true);
    for (const alpha of [0, 0.5, 1]) expect(cases.some((lc) => lc.c.alpha === alpha)).toBe(true);
    for (const std of [true, false]) expect(cases.some((lc) => lc.c.standardize === std)).toBe(true);
  });

  it('the independent objective reproduces the J the scikit-learn files give', () => {
    for (const lc of cases.filter((k) => k.c.objective !== undefined)) {
      const mine = objectiveOf(lc.ref, lc.c, lc.c.intercept, lc.c.coef);
      expect(Math.abs(mine - lc.c.objective!) / Math.abs(lc.c.objective!), lc.name).toBeLessThan(1e-9);
    }
  });

  it.each(cases.map((lc) => [lc.name, lc] as const))('%s', (_name, lc) => {
    const run = outputs.get(lc.name)!;
    expect(run.stderr, lc.name).toBe('');
    expect(run.status, lc.name).toBe(0);
    const out = JSON.parse(run.stdout) as { intercept: number; coef: Record<string, number>; objective: number; status: string; converged: boolean };
    expect(out.status).toBe('completed');
    const refObjective = lc.c.objective ?? objectiveOf(lc.ref, lc.c, lc.c.intercept, lc.c.coef);
    expect(Math.abs(out.objective - refObjective) / Math.abs(refObjective), 'objective').toBeLessThanOrEqual(1e-7);
    const scale = Math.max(1, ...Object.values(lc.c.coef).map(Math.abs));
    expect(Math.abs(out.intercept - lc.c.intercept) / scale, 'intercept').toBeLessThanOrEqual(1e-4);
    for (const f of lc.ref.features) expect(Math.abs(out.coef[f] - lc.c.coef[f]) / scale, `coef ${f}`).toBeLessThanOrEqual(1e-4);
  });
});
