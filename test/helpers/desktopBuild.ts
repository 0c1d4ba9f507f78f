// The desktop build (`npm run build`, electron-vite) that the desktop-shell tests load. `npm test` builds
// it first; run alone, a test rebuilds it when a source is newer than the output.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtime } from '../../electron/serve/rendererBuild.ts';
import { REPO_ROOT } from './cli.ts';

export const OUT = {
  main: join(REPO_ROOT, 'out', 'main', 'index.js'),
  trainer: join(REPO_ROOT, 'out', 'main', 'trainer.js'),
  preload: join(REPO_ROOT, 'out', 'preload', 'index.cjs'),
  rendererIndex: join(REPO_ROOT, 'out', 'renderer', 'index.html'),
};

export function ensureDesktopBuild(): void {
  const outputs = Object.values(OUT);
  const built = outputs.every((file) => existsSync(file)) ? Math.min(...outputs.map((file) => statSync(file).mtimeMs)) : 0;
  const sources = Math.max(...['electron', 'shared', 'renderer'].map((dir) => newestMtime(join(REPO_ROOT, dir))), statSync(join(REPO_ROOT, 'electron.vite.config.ts')).mtimeMs);
  if (built > sources) return;
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`electron-vite build failed:\n${result.stdout}\n${result.stderr}`);
}
