import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_OUT_DIR = join(repoRoot, 'out', 'renderer');

/** The newest modification time of any file below `dir`. */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when out/renderer is missing or older than any source it is built from. */
export function rendererBuildIsStale(): boolean {
  const index = join(RENDERER_OUT_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return [join(repoRoot, 'renderer'), join(repoRoot, 'shared')].some((dir) => newestMtime(dir) > built);
}

/**
 * Builds the renderer with the same Vite config electron-vite uses, when needed, so `ridgeline
 * serve` works from a fresh clone without a manual build step.
 */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<string> {
  if (!rendererBuildIsStale()) return RENDERER_OUT_DIR;
  log('Building the renderer (first run or sources changed)…');
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  return RENDERER_OUT_DIR;
}
