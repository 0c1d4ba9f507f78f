#!/usr/bin/env node
// `npm run bench`: the engine benchmark, then the explorer's (browser) benchmark, straight from their
// TypeScript sources (tsx), like bin/ridgeline.js. `npm run bench:ui` runs the second alone.
import { register } from 'tsx/esm/api';

register();
const only = process.argv[2];
if (only !== 'ui') await import('../bench/index.ts');
if (only !== 'engine') {
  const { runUiBench } = await import('../bench/ui.ts');
  await runUiBench();
}
