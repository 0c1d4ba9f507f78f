// Type-checks every layer with its own tsconfig (each sees only the globals it may use),
// then the Svelte renderer with svelte-check. Exits non-zero on the first failure.
import { spawnSync } from 'node:child_process';

const steps = [
  ['tsc', '-p', 'shared/tsconfig.json'],
  ['tsc', '-p', 'electron/tsconfig.json'],
  ['tsc', '-p', 'test/tsconfig.json'],
  ['svelte-check', '--tsconfig', 'renderer/tsconfig.json', '--fail-on-warnings', '--output', 'human'],
];

for (const [tool, ...args] of steps) {
  const started = Date.now();
  const result = spawnSync('npx', ['--no-install', tool, ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`typecheck failed: ${tool} ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
  console.log(`typecheck ok: ${tool} ${args.join(' ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
