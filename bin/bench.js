#!/usr/bin/env node
// `npm run bench`: the engine benchmark (with the full-batch workloads of bench/fullBatch.ts), the
// explorer's (browser) benchmark, the CSV import benchmark, serve mode under load, and the long forms of
// the reliability tests (fault injection, fuzz, full disk: bench/reliability.ts), straight from their
// TypeScript sources (tsx), like bin/ridgeline.js. `npm run bench:engine`, `bench:ui`, `bench:import`,
// `bench:load` and `bench:reliability` run one of them; `node bin/bench.js fullBatch` the full-batch rows
// alone, `node bin/bench.js faults|fuzz|diskfull` one reliability long form.
import { register } from 'tsx/esm/api';

register();
const only = process.argv[2];
if (only === undefined || only === 'engine') await import('../bench/index.ts');
if (only === undefined || only === 'engine' || only === 'fullBatch') {
  const { main } = await import('../bench/fullBatch.ts');
  await main();
}
if (only === undefined || only === 'ui') {
  const { runUiBench } = await import('../bench/ui.ts');
  await runUiBench();
}
if (only === undefined || only === 'import') {
  const { runImportBench } = await import('../bench/import.ts');
  await runImportBench();
}
if (only === undefined || only === 'load') {
  const { runLoadBench } = await import('../bench/load.ts');
  await runLoadBench();
}
if (only === undefined || only === 'queue') await (await import('../bench/queue.ts')).runQueueBench(); // the sweep queue's overhead (bench:queue)
const RELIABILITY = ['faults', 'fuzz', 'diskfull'];
if (only === undefined || only === 'reliability' || RELIABILITY.includes(only)) {
  const { runReliabilityBench } = await import('../bench/reliability.ts');
  // A long form that fails is a failure of the product, not of a benchmark: said, and the exit status shows it.
  if (!runReliabilityBench(RELIABILITY.includes(only) ? only : undefined)) process.exitCode = 1;
}
