/**
 * The long forms of the reliability tests, as benchmarks: each runs its vitest file with more points
 * (environment variables the test reads) and RIDGELINE_BENCH_REPORT naming the markdown file where the
 * test writes the figures it counted (test/helpers/benchReport.ts). The tests' own machinery does the
 * work; this only sets the sizes, runs them and shows the reports. A failing test is said at the end of
 * its report, never hidden.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { log } from './common.ts';

interface LongForm {
  /** `node bin/bench.js <name>` runs it alone. */
  name: string;
  project: string;
  file: string;
  env: Record<string, string>;
  report: string;
}

export const LONG_FORMS: readonly LongForm[] = [
  { name: 'faults', project: 'faults', file: 'test/e2e/fault-injection.test.ts', env: { RIDGELINE_FAULT_POINTS: '20' }, report: 'faults.md' },
  { name: 'fuzz', project: 'e2e', file: 'test/e2e/serve-fuzz.test.ts', env: { RIDGELINE_FUZZ_BODIES: '200' }, report: 'fuzz.md' },
  { name: 'diskfull', project: 'e2e', file: 'test/e2e/reliability-diskfull.test.ts', env: { RIDGELINE_DISKFULL_ROUNDS: '10' }, report: 'diskfull.md' },
];

export function runLongForm(form: LongForm): boolean {
  mkdirSync('bench-results', { recursive: true });
  const report = resolve('bench-results', form.report);
  rmSync(report, { force: true });
  log(`${form.name}: ${form.file} with ${Object.entries(form.env).map(([k, v]) => `${k}=${v}`).join(' ')}…`);
  const started = Date.now();
  // The test's own output goes to stderr with the other progress; stdout carries the reports.
  const result = spawnSync('npx', ['--no-install', 'vitest', 'run', '--project', form.project, form.file], {
    env: { ...process.env, ...form.env, RIDGELINE_BENCH_REPORT: report },
    stdio: ['ignore', 2, 2],
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const passed = result.status === 0;
  if (!existsSync(report)) {
    log(`${form.name}: the test wrote no report (exit ${result.status})`);
    return false;
  }
  appendFileSync(report, `\n${passed ? 'The test passed' : `THE TEST FAILED (exit ${result.status}): see its output`} (\`${Object.entries(form.env).map(([k, v]) => `${k}=${v}`).join(' ')} vitest run --project ${form.project} ${form.file}\`, ${minutes} min).\n`);
  process.stdout.write(`${readFileSync(report, 'utf8')}\n`);
  return passed;
}

/** Every long form, or the one named; true when all passed. */
export function runReliabilityBench(only?: string): boolean {
  const forms = LONG_FORMS.filter((form) => only === undefined || form.name === only);
  return forms.map(runLongForm).every(Boolean);
}
