import { mkdirSync, readdirSync, renameSync, statSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function sourceStamp(dir: string, hash: ReturnType<typeof createHash>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceStamp(path, hash);
    else if (entry.name.endsWith('.ts')) hash.update(`${path}:${statSync(path).mtimeMs}:${statSync(path).size}\n`);
  }
}

/**
 * The trainer entry bundled into one plain ES module (esbuild, on demand, cached by the sources'
 * stamps), so a pool's processes start in ~0.1 s instead of compiling TypeScript at every start.
 * Returns null when the sources are not there (an installed build), and the caller uses its own entry.
 */
export async function ensureWorkerBundle(): Promise<string | null> {
  const entry = join(repoRoot, 'electron', 'worker', 'trainer.ts');
  if (!existsSync(entry)) return null;
  const hash = createHash('sha256');
  sourceStamp(join(repoRoot, 'shared'), hash);
  sourceStamp(join(repoRoot, 'electron', 'worker'), hash);
  const dir = join(repoRoot, '.cache', 'worker');
  const out = join(dir, `trainer-${hash.digest('hex').slice(0, 16)}.mjs`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const { build } = await import('esbuild');
  // Build beside the target and rename: two processes building at once never see half a file.
  const temp = `${out}.${process.pid}.tmp`;
  // absWorkingDir: the bundle's path comments are relative to it, so the same sources give the same
  // bytes on every machine whatever the working directory (its hash names the engine, engineIdentity.ts).
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: temp, logLevel: 'warning', absWorkingDir: resolve(repoRoot) });
  renameSync(temp, out);
  return out;
}
