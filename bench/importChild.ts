/**
 * One import in a fresh process, for bench/import.ts: the peak resident memory it reaches (Linux's
 * VmHWM, exact, not sampled) is then the import's alone. argv: csv path, db path, "full" | "cancel".
 * Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openStore } from '../electron/core/cliStore.ts';
import { ImportService } from '../electron/core/datasets/importService.ts';
import { EventHub } from '../electron/core/events.ts';
import type { ApiEvent } from '../shared/api.ts';

const [csv, dbPath, mode] = process.argv.slice(2);

/** Peak and current resident set size in bytes, from /proc/self/status. */
function memory(): { peak: number; now: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) * 1024;
  return { peak: kb('VmHWM'), now: kb('VmRSS') };
}

const store = openStore(dbPath, 'bench-import');
const events = new EventHub();
const imports = new ImportService({ datasets: store.datasets, events, allowPaths: true });
const datasetsBefore = store.datasets.list().length;
const before = memory();
const fractions: number[] = [];
const t0 = performance.now();
let cancelledAt = 0;
let importId = '';
const finished = new Promise<ApiEvent>((resolve) => {
  events.subscribe((event) => {
    if (event.type === 'importProgress') {
      fractions.push(event.fraction);
      if (mode === 'cancel' && cancelledAt === 0 && event.fraction >= 0.5) {
        cancelledAt = performance.now();
        imports.cancel(importId);
      }
    }
    if (event.type === 'importFinished' || event.type === 'importFailed') resolve(event);
  });
});
// Events come from the import's later asynchronous steps, so the id is known before the first one.
importId = imports.start({ kind: 'path', path: csv }, { name: 'bench import', target: 'y', categorical: ['group'], missing: 'mean' }).importId;
const outcome = await finished;
const elapsed = performance.now() - t0;
const after = memory();
const dataset = outcome.type === 'importFinished' ? store.datasets.get(outcome.datasetId) : null;
console.log(
  JSON.stringify({
    outcome: outcome.type,
    error: outcome.type === 'importFailed' ? outcome.error : null,
    ms: elapsed,
    cancelToStopMs: cancelledAt > 0 ? performance.now() - cancelledAt : null,
    progressEvents: fractions.length,
    lastFraction: fractions.at(-1) ?? null,
    rows: dataset?.rows ?? null,
    features: dataset?.features.length ?? null,
    baselineRss: before.now,
    peakRss: after.peak,
    datasetsBefore,
    datasetsAfter: store.datasets.list().length,
  }),
);
store.close('done');
