#!/usr/bin/env node
// `npm run bench`: the engine benchmark (with the full-batch workloads of bench/fullBatch.ts), the
// explorer's (browser) benchmark, the CSV import benchmark and serve mode under load, straight from
// their TypeScript sources (tsx), like bin/ridgeline.js. `npm run bench:engine`, `bench:ui`,
// `bench:import` and `bench:load` run one of them; `node bin/bench.js fullBatch` the full-batch rows alone.
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
