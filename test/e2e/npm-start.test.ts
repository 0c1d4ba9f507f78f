// `npm start` where Electron's binary cannot be downloaded (this machine, CI): it tries Electron's
// installer, says in one line why it falls back, and serves the UI over the default database,
// where the CLI's `fit --db` runs are. The installer is pointed at a closed loopback port
// (ELECTRON_MIRROR) with an empty download cache, so it fails the same way everywhere without
// reaching for the network.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';
import { closedLoopbackPort } from '../helpers/ports.ts';

function electronInstalled(): boolean {
  try {
    createRequire(import.meta.url)('electron');
    return true;
  } catch {
    return false;
  }
}


describe.skipIf(electronInstalled())('npm start without an Electron binary', () => {
  it('falls back to serve mode with a one-line reason and shows the CLI runs of the default database', async () => {
    const dataHome = mkdtempSync(join(tmpdir(), 'ridgeline-start-'));
    const env = { XDG_DATA_HOME: dataHome, RIDGELINE_DB: '' };
    const defaultDb = join(dataHome, 'ridgeline', 'ridgeline.db');
    const fitted = runCli(['fit', '--data', fixturePath('seed_linear.csv'), '--target', 'y', '--lambda', '0.001', '--name', 'stored by fit --db', '--db', defaultDb, '--json'], env);
    expect(fitted.status).toBe(0);
    const runId = JSON.parse(fitted.stdout).runId as string;

    const mirrorPort = await closedLoopbackPort();
    const installerEnv = { ELECTRON_MIRROR: `http://127.0.0.1:${mirrorPort}/`, electron_config_cache: join(dataHome, 'electron-download-cache') };
    const child = spawn('npm', ['start', '--', '--port', '0'], { cwd: REPO_ROOT, env: { ...process.env, ...env, ...installerEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; stdout:\n${stdout}`)), 180_000);
        child.stdout.on('data', () => {
          const match = /Ridgeline serving at (http:\/\/\S+)/.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const reasons = stdout.split('\n').filter((line) => line.startsWith('Electron is not available here:'));
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toMatch(new RegExp(`installer failed \\(.*ECONNREFUSED 127\\.0\\.0\\.1:${mirrorPort}\\); starting serve mode instead\\.$`));

      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const errors = collectPageErrors(page);
        await page.goto(url);
        await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).waitFor();
        expect(await page.locator(`[data-run-id="${runId}"]`).textContent()).toContain('stored by fit --db');
        await page.screenshot({ path: `${SCREENSHOT_DIR}/npm-start-serve-fallback.png` });
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      // npm runs the start script in its own process group: stop the whole group.
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
