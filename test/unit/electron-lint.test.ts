// The Electron security lint (scripts/lint-electron.js, Electronegativity offline): the app's own
// electron/ passes with its reviewed findings, and a main process with the classic mistakes fails with
// a line per new finding, as does a reviewed finding that no longer occurs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

const lint = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'lint-electron.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

describe('lint:electron', () => {
  it('passes on electron/ with every finding reviewed', () => {
    const result = lint();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/lint:electron ok: \d+ finding/);
  }, 60_000);

  it('fails on a window without sandbox or isolation, and on reviewed findings that are gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-lint-'));
    mkdirSync(join(dir, 'main'));
    writeFileSync(
      join(dir, 'main', 'index.ts'),
      "import { BrowserWindow } from 'electron';\nconst w = new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false } });\nvoid w.loadURL('http://example.com');\n",
    );
    const result = lint(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/new finding SANDBOX_JS_CHECK at .*main\/index\.ts:2/);
    expect(result.stderr).toMatch(/new finding CONTEXT_ISOLATION_JS_CHECK/);
    expect(result.stderr).toMatch(/reviewed finding PRELOAD_JS_CHECK in electron\/main\/window\.ts no longer occurs/);
  }, 60_000);
});
