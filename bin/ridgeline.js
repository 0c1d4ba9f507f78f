#!/usr/bin/env node
// Runs the CLI straight from its TypeScript sources (tsx), so `npx ridgeline` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/main.ts');
