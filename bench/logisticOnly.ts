/** `npx tsx bench/logisticOnly.ts [repeats]`: the logistic rows of the engine benchmark alone (bench/logistic.ts), to bench-results/logistic.md. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine } from './common.ts';
import { logisticBench } from './logistic.ts';

const repeats = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'ridgeline-bench-logistic-'));
try {
  const { rows, notes } = logisticBench(dir, repeats);
  const fmt = (ms: number | null): string => (ms === null ? 'n/a' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  const header = ['workload', 'Ridgeline', 'ms', 'anchor', 'anchor ms', 'ratio'];
  const table = rows.map((r) => [r.workload, r.contender, fmt(r.ms), r.anchor, fmt(r.anchorMs), r.anchorMs === null ? 'skipped' : (r.ms / r.anchorMs).toFixed(2)]);
  const md = [
    '# Ridgeline logistic benchmark',
    '',
    `${new Date().toISOString()} · ${machine} · ratio = Ridgeline time / anchor time (< 1: Ridgeline is faster) · medians`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...table.map((t) => `| ${t.join(' | ')} |`),
    '',
    ...[...new Set(notes)].map((n) => `- ${n}`),
    '',
  ].join('\n');
  console.log(md);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'logistic.md'), md);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
