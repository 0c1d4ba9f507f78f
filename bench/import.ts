/**
 * The CSV import at scale (issue 5, Deliver 1): a ~200 MB CSV (numeric columns, a categorical one,
 * a few missing cells, seeded) imported through the ImportService as the app runs it, each time in a
 * fresh process (bench/importChild.ts) whose peak resident memory is read from the kernel (VmHWM).
 * Reports the time, the progress events, the peak memory above the process's baseline against the
 * stored binary size (rows × (features + 1) × 8 bytes; target: under 3×), and a cancel at 50 %: how
 * long it takes to stop and that no data set is left behind. Writes bench-results/import.md.
 * Linux only (VmHWM); elsewhere it is skipped with a note.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pcg64 } from '../shared/engine/random/pcg64.ts';
import { log, machine } from './common.ts';

const TARGET_BYTES = 200 * 1024 * 1024;
const NUMERIC = 40;
const LEVELS = ['north', 'east', 'south', 'west', 'centre'];

/** Writes the CSV in chunks (never whole in memory); returns rows and bytes. */
async function writeCsv(path: string): Promise<{ rows: number; bytes: number }> {
  const rng = Pcg64.fromSeed(42);
  const out = createWriteStream(path);
  const header = [...Array.from({ length: NUMERIC }, (_, j) => `x${j + 1}`), 'group', 'y'].join(',');
  out.write(`${header}\n`);
  let bytes = header.length + 1;
  let rows = 0;
  while (bytes < TARGET_BYTES) {
    const lines: string[] = [];
    for (let k = 0; k < 2000; k++) {
      const cells: string[] = [];
      let y = 0;
      for (let j = 0; j < NUMERIC; j++) {
        const v = rng.normal();
        y += (j % 4 === 0 ? 1 : 0) * v;
        // Every 100,003rd row misses x7: the mean policy imputes it.
        cells.push(j === 6 && rows % 100_003 === 5 ? '' : v.toPrecision(7));
      }
      cells.push(LEVELS[rows % LEVELS.length]);
      cells.push((y + rng.normal()).toPrecision(7));
      lines.push(cells.join(','));
      rows++;
    }
    const chunk = `${lines.join('\n')}\n`;
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { rows, bytes };
}

interface ChildReport {
  outcome: string;
  error: { code: string; message: string } | null;
  ms: number;
  cancelToStopMs: number | null;
  progressEvents: number;
  lastFraction: number | null;
  rows: number | null;
  features: number | null;
  baselineRss: number;
  peakRss: number;
  datasetsBefore: number;
  datasetsAfter: number;
}

function runChild(csv: string, db: string, mode: 'full' | 'cancel'): ChildReport {
  const child = fileURLToPath(new URL('./importChild.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', child, csv, db, mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`import child failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ChildReport;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

export async function runImportBench(outDir = 'bench-results'): Promise<string | null> {
  if (!existsSync('/proc/self/status')) {
    log('import benchmark skipped: it reads peak memory from /proc (Linux)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-bench-import-'));
  try {
    const csv = join(dir, 'big.csv');
    log(`writing a ~${mb(TARGET_BYTES)} MB CSV…`);
    const { rows, bytes } = await writeCsv(csv);
    log(`${rows.toLocaleString('en-US')} rows, ${mb(statSync(csv).size)} MB; importing…`);
    const full = runChild(csv, join(dir, 'full.db'), 'full');
    if (full.outcome !== 'importFinished') throw new Error(`the import failed: ${full.error?.message}`);
    const binary = full.rows! * (full.features! + 1) * 8;
    const used = full.peakRss - full.baselineRss;
    log('importing again and cancelling at 50 %…');
    const cancel = runChild(csv, join(dir, 'cancel.db'), 'cancel');
    const table = [
      '# Ridgeline CSV import benchmark (issue 5)',
      '',
      `${new Date().toISOString()} · ${machine} · one run each, a fresh process per import`,
      '',
      '| what | value | target |',
      '| --- | --- | --- |',
      `| CSV | ${mb(bytes)} MB, ${rows.toLocaleString('en-US')} rows × ${NUMERIC + 2} columns (${NUMERIC} numeric, 1 categorical with ${LEVELS.length} levels, target) | ~200 MB |`,
      `| stored data set | ${full.rows!.toLocaleString('en-US')} rows × ${full.features} features (one-hot levels included), ${mb(binary)} MB as float64 | — |`,
      `| import time (parse, encode, hash, one transaction) | ${(full.ms / 1000).toFixed(1)} s (${(bytes / 1024 / 1024 / (full.ms / 1000)).toFixed(0)} MB/s) | — |`,
      `| progress events | ${full.progressEvents}, last at ${((full.lastFraction ?? 0) * 100).toFixed(0)} % | streamed |`,
      `| peak memory above the process baseline (VmHWM − RSS before) | ${mb(used)} MB = ${(used / binary).toFixed(2)} × the binary size | < 3 × |`,
      `| cancel at 50 %: stopped after | ${cancel.cancelToStopMs === null ? 'n/a' : `${cancel.cancelToStopMs.toFixed(0)} ms`} (${cancel.outcome}${cancel.error ? `: ${cancel.error.message}` : ''}) | prompt |`,
      `| data sets after the cancelled import | ${cancel.datasetsAfter} (before: ${cancel.datasetsBefore}) | nothing half-imported |`,
      '',
    ].join('\n');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'import.md'), table);
    console.log(table);
    return table;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
