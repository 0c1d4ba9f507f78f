/** What every benchmark of `npm run bench` shares: its progress log, medians, and the machine line of its report. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Progress on stderr (stdout carries the tables). */
export const log = (line: string): void => void process.stderr.write(`${line}\n`);

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/** "2 × AMD EPYC …, Node v20…": where the figures were measured. */
export const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;

/** A time in ms as the tables show it ('n/a' for a skipped anchor). */
export const fmt = (ms: number | null): string => (ms === null ? 'n/a' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

/** Median wall time of `run` over `repeats` runs after `warmups` (the JIT's) runs. */
export function timeMedian(run: () => void, repeats: number, warmups = 1): number {
  for (let k = 0; k < warmups; k++) run();
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** A typed array as a raw little-endian file, for the anchors to read. */
export function writeRaw(dir: string, name: string, a: Float64Array | Int32Array): string {
  const file = join(dir, name);
  writeFileSync(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return file;
}

/**
 * `ridgeline …` as a user runs it (a fresh Node process each time): medians of its wall time and of the
 * timings it reports, and its last JSON document; null (and a log line) when it fails.
 */
export function timeCli(args: string[], repeats: number): { wallMs: number; fitMs: number; loadMs: number; last: Record<string, unknown> } | null {
  const walls: number[] = [];
  const fits: number[] = [];
  const loads: number[] = [];
  let last: Record<string, unknown> = {};
  for (let k = 0; k < repeats; k++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join('bin', 'ridgeline.js'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    walls.push(performance.now() - t);
    if (r.status !== 0) {
      log(`ridgeline ${args[0]} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
      return null;
    }
    const doc = JSON.parse(r.stdout) as { timings: { fitMs: number; loadMs: number } };
    fits.push(doc.timings.fitMs);
    loads.push(doc.timings.loadMs);
    last = doc as unknown as Record<string, unknown>;
  }
  return { wallMs: median(walls), fitMs: median(fits), loadMs: median(loads), last };
}
