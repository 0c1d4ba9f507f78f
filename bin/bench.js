#!/usr/bin/env node
// `npm run bench`: runs the engine benchmark straight from its TypeScript sources (tsx), like bin/ridgeline.js.
import { register } from 'tsx/esm/api';

register();
await import('../bench/index.ts');
