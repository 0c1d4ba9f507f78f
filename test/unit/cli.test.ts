// `ridgeline fit` against the seed reference (test/fixtures/seed_gd.json) and the CLI contract's
// conventions (../shared/CLI.md): exit 2 with one line naming the option, one JSON document on stdout.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pcg64 } from '../../shared/engine/random/pcg64.ts';
import { runCli, runCliAsync } from '../helpers/cli.ts';
import { fixturePath, readJsonFixture, relativeError, type SeedGdReference } from '../helpers/fixtures.ts';

const reference = readJsonFixture<SeedGdReference>('seed_gd.json');
const seedCsv = fixturePath('seed_linear.csv');
const seedArgs = ['fit', '--data', seedCsv, '--target', 'y', '--solver', 'gd', '--lambda', '0.0001', '--alpha', '0', '--learning-rate', '0.01', '--max-iter', '1000', '--tol', '0', '--init', 'zeros'];

describe('ridgeline fit', () => {
  it('reproduces seed_gd.json (b, w and the listed J) to 1e-9 with --history --json', () => {
    const { status, stdout, stderr } = runCli([...seedArgs, '--history', 'true', '--json']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ model: 'linear', solver: 'gd', lambda: 0.0001, alpha: 0, iterations: 1000, converged: false, status: 'completed' });
    expect(relativeError(out.intercept, reference.intercept)).toBeLessThan(1e-9);
    expect(relativeError(out.coef.x, reference.coef.x)).toBeLessThan(1e-9);
    expect(out.history.objective).toHaveLength(1001);
    for (const [step, expected] of Object.entries(reference.objective_before_iteration)) {
      expect(relativeError(out.history.objective[Number(step)], expected)).toBeLessThan(1e-9);
    }
    expect(out.objective).toBe(out.history.objective[1000]);
    expect(out.suboptimality).toBeGreaterThan(0);
    expect(typeof out.timings.loadMs).toBe('number');
    expect(typeof out.timings.fitMs).toBe('number');
    expect(out.runId).toBeUndefined();
  });

  it('holds out a seeded test set with --test-fraction and reports its loss (= ½·MSE of the printed model on those rows)', () => {
    const { status, stdout, stderr } = runCli(['fit', '--data', seedCsv, '--target', 'y', '--solver', 'closed', '--lambda', '0.001', '--alpha', '0', '--test-fraction', '0.3', '--seed', '5', '--json']);
    expect(status, stderr).toBe(0);
    const out = JSON.parse(stdout);
    const without = JSON.parse(runCli(['fit', '--data', seedCsv, '--target', 'y', '--solver', 'closed', '--lambda', '0.001', '--alpha', '0', '--json']).stdout);
    expect(without.testLoss).toBeUndefined();
    // The 30 test rows are the first 30 of a PCG64(5) permutation of the 100 rows.
    const rows = readFileSync(seedCsv, 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(',').map(Number));
    const header = readFileSync(seedCsv, 'utf8').split(/\r?\n/)[0].split(',');
    const order = Uint32Array.from({ length: rows.length }, (_, i) => i);
    Pcg64.fromSeed(5).shuffle(order);
    const xAt = header.indexOf('x');
    const yAt = header.indexOf('y');
    let sum = 0;
    for (let k = 0; k < 30; k++) {
      const row = rows[order[k]];
      sum += 0.5 * (out.intercept + out.coef.x * row[xAt] - row[yAt]) ** 2;
    }
    expect(relativeError(out.testLoss, sum / 30)).toBeLessThan(1e-12);
    // Trained on the other 70 rows only: not the fit on all 100.
    expect(out.coef.x).not.toBe(without.coef.x);
  });

  it('exits 2 with one line naming the option for unknown options, missing and bad values', () => {
    const cases: [string[], RegExp][] = [
      [[...seedArgs, '--bogus', '1'], /--bogus/],
      [[...seedArgs, '--lambda'], /--lambda needs a value/],
      [['fit', '--data', seedCsv, '--target', 'y', '--lambda', 'abc'], /--lambda: must be a finite number/],
      [['fit', '--data', seedCsv, '--target', 'y', '--alpha', '1.5'], /--alpha: must be ≤ 1/],
      [['fit', '--data', seedCsv, '--target', 'y', '--standardize', 'yes'], /--standardize: must be true or false/],
      [['fit', '--data', seedCsv], /--target is required/],
    ];
    for (const [args, pattern] of cases) {
      const { status, stdout, stderr } = runCli(args);
      expect(status, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(pattern);
    }
  });

  it('reports bad data with exit 1, naming the column', () => {
    const { status, stderr } = runCli(['fit', '--data', seedCsv, '--target', 'nope']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/--target names column "nope"/);
  });

  it('four processes storing into the same new database at once all succeed (migrations and imports are locked)', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ridgeline-race-')), 'race.db');
    const results = await Promise.all([1, 2, 3, 4].map(() => runCliAsync([...seedArgs, '--db', db, '--json'])));
    for (const r of results) expect(r.status, r.stderr).toBe(0);
    const runs = JSON.parse(runCli(['runs', '--db', db, '--json']).stdout) as { datasetId: string }[];
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((r) => r.datasetId)).size).toBe(1);
  });

  it('stores the run with --db where `ridgeline runs` (and the app) find it', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'ridgeline-cli-')), 'cli.db');
    const fitted = JSON.parse(runCli([...seedArgs, '--db', db, '--json']).stdout);
    expect(fitted.runId).toMatch(/^run_/);
    const { status, stdout } = runCli(['runs', '--db', db, '--json']);
    expect(status).toBe(0);
    const runs = JSON.parse(stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: fitted.runId, status: 'completed', lambda: 0.0001, model: 'linear' });
    expect(runs[0].finalObjective).toBe(fitted.objective);
  });
});
