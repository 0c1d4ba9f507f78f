// The layering of DEVELOPERS.md, checked on every import of every source file:
// shared imports only shared; renderer only renderer and shared; the trainer, serve, CLI and core
// layers never electron; only main and preload may import electron; nothing imports the renderer.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

interface Layer {
  folder: string;
  /** Folders (relative to the repo) that relative imports may reach. */
  mayImportFolders: string[];
  /** Bare package specifiers allowed (prefix match); 'node:' for Node built-ins. */
  mayImportPackages: string[];
}

const NODE_SIDE = ['node:', 'better-sqlite3', 'csv-parse', 'esbuild', 'playwright-core', 'tsx', 'vite', 'zod'];
const LAYERS: Layer[] = [
  { folder: 'shared', mayImportFolders: ['shared'], mayImportPackages: ['zod'] },
  { folder: 'renderer/src', mayImportFolders: ['renderer/src', 'shared'], mayImportPackages: ['svelte', 'uplot', 'zod'] },
  { folder: 'electron/worker', mayImportFolders: ['electron/worker', 'shared'], mayImportPackages: ['node:'] },
  { folder: 'electron/core', mayImportFolders: ['electron/core', 'electron/worker', 'shared', 'package.json'], mayImportPackages: NODE_SIDE },
  { folder: 'electron/serve', mayImportFolders: ['electron/serve', 'electron/core', 'shared'], mayImportPackages: NODE_SIDE },
  // The queue (BullMQ on Redis) is the CLI's alone (serve mode included, which the CLI starts and hands it
  // to): the core knows only the CellRunner and SweepQueues it implements.
  { folder: 'electron/queue', mayImportFolders: ['electron/queue', 'electron/core', 'shared'], mayImportPackages: [...NODE_SIDE, 'bullmq', 'ioredis'] },
  { folder: 'electron/cli', mayImportFolders: ['electron/cli', 'electron/serve', 'electron/core', 'electron/queue', 'shared'], mayImportPackages: NODE_SIDE },
  { folder: 'electron/main', mayImportFolders: ['electron/main', 'electron/core', 'electron/serve', 'shared'], mayImportPackages: [...NODE_SIDE, 'electron'] },
  { folder: 'electron/preload', mayImportFolders: ['electron/preload', 'shared'], mayImportPackages: ['electron'] },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|svelte)$/.test(entry.name) && !entry.name.endsWith('.config.ts') ? [path] : [];
  });
}

export function importsOf(text: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) specifiers.push(match[1] ?? match[2]);
  return specifiers;
}

function violations(layer: Layer): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(join(REPO_ROOT, layer.folder))) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const where = relative(REPO_ROOT, file);
      if (spec.startsWith('.')) {
        const target = relative(REPO_ROOT, resolve(dirname(file), spec));
        if (!layer.mayImportFolders.some((f) => target === f || target.startsWith(`${f}/`))) found.push(`${where} imports ${target}`);
      } else if (!layer.mayImportPackages.some((p) => spec === p || spec.startsWith(p.endsWith(':') ? p : `${p}/`))) {
        found.push(`${where} imports package ${spec}`);
      }
    }
  }
  return found;
}

describe('layering', () => {
  for (const layer of LAYERS) {
    it(`${layer.folder} imports only what its layer may`, () => {
      expect(sourceFiles(join(REPO_ROOT, layer.folder)).length).toBeGreaterThan(0);
      expect(violations(layer)).toEqual([]);
    });
  }

  it('the checker itself catches forbidden imports', () => {
    expect(importsOf(`import { x } from '../electron/main/index.ts';\nimport type { Y } from "node:fs";\nconst m = await import('electron');`)).toEqual([
      '../electron/main/index.ts',
      'node:fs',
      'electron',
    ]);
  });

  it('no DOM or Node globals leak into shared/', () => {
    const offenders = sourceFiles(join(REPO_ROOT, 'shared')).filter((file) =>
      /\b(window|document|localStorage|process|Buffer|require)\s*[.(]/.test(readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')),
    );
    expect(offenders.map((f) => relative(REPO_ROOT, f))).toEqual([]);
  });
});
