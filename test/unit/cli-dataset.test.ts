// `ridgeline fit|cv --dataset ID` (a built-in, or a data set stored in --db) and `--dataset-hash`, the form
// reports print their reproduce commands in (shared/report/reproduce.ts). The built-in diabetes data are
// compared with the shipped file test/fixtures/diabetes.csv (the same 442 × 10 values plus a fold column).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/domain/datasets.ts';
import { DATASET_HASH_PREFIX_DIGITS, dataArguments } from '../../shared/report/reproduce.ts';
import { runCli } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'ridgeline-cli-dataset-'));
const lasso = ['--lambda', '0.5', '--alpha', '1', '--solver', 'cd', '--standardize', 'true', '--json'];

function fitJson(args: string[]): { intercept: number; coef: Record<string, number>; runId?: string } {
  const result = runCli(['fit', ...args]);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** A data set stored by the CLI (not built in) and its id, in a fresh database. */
function storedDataset(): { dbPath: string; id: string; hash: string } {
  const dbPath = join(dir, `${Math.random().toString(36).slice(2)}.db`);
  fitJson(['--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--db', dbPath, ...lasso]);
  const db = new Database(dbPath, { readonly: true });
  const row = db.prepare('SELECT id, hash FROM datasets WHERE builtin = 0').get() as { id: string; hash: string };
  db.close();
  return { dbPath, ...row };
}

describe('ridgeline fit --dataset', () => {
  it('trains on a built-in data set exactly as on the same values read from a file', () => {
    const fromBuiltin = fitJson(['--dataset', 'builtin:diabetes', ...lasso]);
    const fromFile = fitJson(['--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', ...lasso]);
    expect(Object.keys(fromBuiltin.coef)).toEqual(['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
    expect(fromBuiltin.intercept).toBe(fromFile.intercept);
    expect(fromBuiltin.coef).toEqual(fromFile.coef);
  });

  it('reads a stored data set from --db, records the run on it, and checks the hash it is given', () => {
    const { dbPath, id, hash } = storedDataset();
    const again = fitJson(['--dataset', id, '--dataset-hash', hash.slice(0, 20), '--db', dbPath, ...lasso]);
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT dataset_id FROM runs WHERE id = ?').pluck().get(again.runId)).toBe(id);
    db.close();
    const other = runCli(['fit', '--dataset', id, '--dataset-hash', `${hash[0] === '0' ? '1' : '0'}${hash.slice(1, 16)}`, '--db', dbPath, ...lasso]);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/^ridgeline fit: ds_\w+ has hash \w+…, not \w+…: these are not the data the command was written for \[BAD_DATA\]\n$/);
  });

  it('refuses stored values that no longer match their stored hash', () => {
    const { dbPath, id } = storedDataset();
    const db = new Database(dbPath);
    // One target value changed behind the database's back.
    const y = Buffer.from(db.prepare('SELECT y FROM datasets WHERE id = ?').pluck().get(id) as Buffer);
    y.writeDoubleLE(y.readDoubleLE(0) + 1, 0);
    db.prepare('UPDATE datasets SET y = ? WHERE id = ?').run(y, id);
    db.close();
    const result = runCli(['fit', '--dataset', id, '--db', dbPath, ...lasso]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no longer match its hash .*\[DB_CORRUPT\]/);
  });

  it.each([
    [['--dataset', 'ds_0123456789abcdef'], /^ridgeline fit: option --dataset: ds_0123456789abcdef is not a built-in data set \(builtin:…\); a stored one needs --db PATH\n$/],
    [['--dataset', 'builtin:diabetes', '--data', 'x.csv'], /^ridgeline fit: option --dataset: give either --data or --dataset, not both\n$/],
    [['--dataset', 'builtin:diabetes', '--ignore', 'age'], /^ridgeline fit: option --ignore: applies to --data only/],
    [['--dataset', 'builtin:diabetes', '--target', 'bmi'], /^ridgeline fit: option --target: data set builtin:diabetes has the target "progression", not "bmi"\n$/],
    [['--dataset', 'builtin:diabetes', '--dataset-hash', 'abc'], /^ridgeline fit: option --dataset-hash: must be 16 to 64 hexadecimal digits/],
    [['--target', 'y'], /^ridgeline fit: option --data is required/],
  ])('exits 2 naming the option for %j', (args, message) => {
    const result = runCli(['fit', ...args, '--json']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('names an unknown built-in and lists the known ones', () => {
    const result = runCli(['fit', '--dataset', 'builtin:iris']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/there is no built-in data set builtin:iris \(there are builtin:seed, builtin:diabetes,/);
  });
});

describe('ridgeline cv --dataset', () => {
  it('cross-validates a built-in data set as the same values from a file', () => {
    const cv = (data: string[]) => {
      const result = runCli(['cv', ...data, '--alpha', '1', '--folds', '5', '--n-lambda', '20', '--pool-size', '1', '--json']);
      expect(result.status, result.stderr).toBe(0);
      const { timings: _timings, ...document } = JSON.parse(result.stdout) as { lambdas: number[]; cvm: number[]; timings: unknown };
      return document;
    };
    const fromBuiltin = cv(['--dataset', 'builtin:diabetes']);
    expect(fromBuiltin.cvm).toHaveLength(20);
    expect(fromBuiltin).toEqual(cv(['--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold']));
  }, 60_000);
});

describe('dataArguments (the data part of a reproduce command)', () => {
  const summary = (builtin: boolean): DatasetSummary => ({
    id: builtin ? 'builtin:diabetes' : 'ds_0123456789abcdef',
    name: 'Diabetes (442 × 10)',
    source: 'somewhere',
    rows: 442,
    features: ['age'],
    target: 'progression',
    hash: 'ab'.repeat(32),
    builtin,
    createdAt: '1970-01-01T00:00:00.000Z',
    columns: [],
    importDetails: null,
  });

  it('names a built-in by id and hash, without a database', () => {
    expect(dataArguments(summary(true), '/data/app.db')).toEqual(['--dataset', 'builtin:diabetes', '--dataset-hash', 'ab'.repeat(DATASET_HASH_PREFIX_DIGITS / 2)]);
  });

  it('names a stored data set by id and hash, in the database it was read from', () => {
    expect(dataArguments(summary(false), '/data/app.db')).toEqual(['--dataset', 'ds_0123456789abcdef', '--dataset-hash', 'ab'.repeat(DATASET_HASH_PREFIX_DIGITS / 2), '--db', '/data/app.db']);
  });
});
