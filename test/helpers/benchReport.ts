// The long forms of the reliability tests are benchmarks too: `npm run bench` (bench/reliability.ts) runs
// the test with more points and names a report file in RIDGELINE_BENCH_REPORT; the test writes the
// figures it counted there. Without the variable (npm test) nothing is written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { machine } from '../../bench/common.ts';

export function writeBenchReport(title: string, body: readonly string[]): void {
  const path = process.env.RIDGELINE_BENCH_REPORT;
  if (path === undefined || path === '') return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, [`# ${title}`, '', `Machine: ${machine}.`, '', ...body, ''].join('\n'));
}

/** A markdown table of counts by key, in the order given. */
export function countTable(keyTitle: string, counts: Iterable<[string | number, number]>): string[] {
  return [`| ${keyTitle} | count |`, '|---|---|', ...[...counts].map(([key, n]) => `| ${key} | ${n} |`)];
}
