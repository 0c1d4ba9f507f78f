// The desktop shell's main process as built (`out/main/index.js`, electron-vite), run in Node with
// `electron` resolved to a faithful test double (test/doubles/electron): Electron's binary cannot be
// downloaded here. Through the handlers the app registers it trains a real run on a utility-process
// trainer (a real child process with Electron's parentPort) and the run is found in SQLite; it checks
// the sender check, one handler per API method, the window's web preferences and CSP, refused
// navigation and window.open, the menu's accelerators, native dialogs for import and export (PDF through
// printToPDF), the single-instance lock, and that closing the window during a sweep quits only when the
// sweep is done.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, ipcChannel, type ApiEvent, type AppCommand } from '../../shared/api.ts';
import type { RunDetail } from '../../shared/domain/runs.ts';
import type { DatasetSummary } from '../../shared/domain/datasets.ts';
import { CONTENT_SECURITY_POLICY } from '../../shared/security.ts';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';
import { ensureDesktopBuild, OUT } from '../helpers/desktopBuild.ts';
import { launchDesktopMain, RENDERER_URL, unwrap, type DesktopMain } from '../helpers/desktopMain.ts';
import { fixturePath } from '../helpers/fixtures.ts';
import type { DoubleNotice } from '../doubles/electron/protocol.ts';

/** Module specifiers a built file imports or requires. */
function importsOf(text: string): string[] {
  const pattern = /^\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return [...text.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]);
}

const hasPoppler = spawnSync('pdftotext', ['-v']).error === undefined;
let home: string;
let dbPath: string;
let main: DesktopMain;
let windowId: number;

function env(dataHome: string): NodeJS.ProcessEnv {
  return { XDG_DATA_HOME: dataHome, XDG_CONFIG_HOME: join(dataHome, 'config'), RIDGELINE_DB: '' };
}

const isEnded =
  (runId: string) =>
  (event: ApiEvent): event is Extract<ApiEvent, { type: 'runStatus' }> =>
    event.type === 'runStatus' && event.runId === runId && event.status !== 'running' && event.status !== 'queued';

beforeAll(async () => {
  ensureDesktopBuild();
  home = mkdtempSync(join(tmpdir(), 'ridgeline-desktop-'));
  dbPath = join(home, 'ridgeline', 'ridgeline.db');
  main = launchDesktopMain(env(home));
  const loaded = await main.waitForNotice((n): n is Extract<DoubleNotice, { notice: 'windowLoaded' }> => n.notice === 'windowLoaded', 60_000, 'the window to load');
  windowId = loaded.windowId;
});

afterAll(() => main?.kill());

describe('the desktop build', () => {
  it('bundles only what the desktop needs: its runtime dependencies, Node and electron', () => {
    const files = readdirSync(join(REPO_ROOT, 'out', 'main'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const dependencies = Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    const external = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(REPO_ROOT, 'out', 'main', file), 'utf8');
      for (const spec of importsOf(text)) if (!spec.startsWith('.')) external.add(spec);
      // A bundled copy would not show as an import: look for the tools' own code too.
      expect(text, `${file} contains playwright-core`).not.toMatch(/playwright-core|chromium\.launch/);
    }
    // A package is named by its first path segment (two for a scope): csv-parse/sync is csv-parse's.
    const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
    const disallowed = [...external].filter((spec) => !(spec === 'electron' || spec.startsWith('node:') || dependencies.includes(packageOf(spec))));
    expect(disallowed).toEqual([]);
    for (const devOnly of ['vite', 'tsx', 'esbuild', 'playwright-core']) expect(external.has(devOnly), devOnly).toBe(false);
    // The trainer is its own entry, next to the main one, as utilityProcess.fork needs it.
    expect(statSync(OUT.trainer).size).toBeGreaterThan(0);
  });
});

describe('the main process on the Electron double', () => {
  it('opens one locked-down window on the built renderer, with the preload and the CSP', async () => {
    const snapshot = await main.snapshot();
    expect(snapshot.windows).toHaveLength(1);
    const [window] = snapshot.windows;
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.webSecurity).not.toBe(false);
    // Middle clicks would open links around the window-open handler (Electronegativity's AUXCLICK check).
    expect(String(prefs.disableBlinkFeatures)).toContain('Auxclick');
    expect(prefs.preload).toBe(OUT.preload);
    expect(window.loaded).toEqual({ file: OUT.rendererIndex });
    await expect.poll(async () => (await main.snapshot()).windows[0].visible).toBe(true);
    // Every response of the app's session carries the strict CSP; no permission is granted.
    const headers = await main.request<Record<string, string[]>>({ op: 'responseHeaders', url: RENDERER_URL, headers: { 'Content-Type': ['text/html'] } });
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    for (const permission of ['notifications', 'media', 'geolocation', 'openExternal'] as const) {
      expect(await main.request({ op: 'permission', permission }), permission).toBe(false);
    }
    // Electron's userData is the shared data folder (created on a fresh machine: setPath refuses a missing one).
    expect(snapshot.userData).toBe(join(home, 'ridgeline'));
    expect(snapshot.singleInstanceLock).toBe(true);
  });

  it('registers exactly one handler per API method, and nothing else', async () => {
    const snapshot = await main.snapshot();
    expect(snapshot.ipcChannels).toEqual(API_METHODS.map(ipcChannel).sort());
  });

  it('refuses calls from other pages and from child frames with FORBIDDEN_SENDER', async () => {
    expect(unwrap<unknown[]>(await main.call('listRuns', {}))).toEqual([]);
    const refused = [
      { url: 'https://evil.example/', topLevel: true },
      { url: RENDERER_URL, topLevel: false },
      { url: `file://${tmpdir()}/other/index.html`, topLevel: true },
      null,
    ];
    for (const frame of refused) {
      const envelope = await main.call('listRuns', {}, frame);
      expect(envelope.ok, JSON.stringify(frame)).toBe(false);
      if (!envelope.ok) expect(envelope.error.code).toBe('FORBIDDEN_SENDER');
    }
    // A trusted frame with bad input gets the schema's answer, not an exception.
    const bad = await main.call('getRun', { id: '' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('BAD_REQUEST');
  });

  it('refuses navigation away and window.open; https links go to the browser', async () => {
    expect(await main.request({ op: 'navigate', windowId, url: 'https://evil.example/' })).toEqual({ prevented: true });
    expect(await main.request({ op: 'navigate', windowId, url: 'file:///etc/passwd' })).toEqual({ prevented: true });
    expect(await main.request({ op: 'navigate', windowId, url: RENDERER_URL })).toEqual({ prevented: false });
    expect(await main.request({ op: 'openWindow', windowId, url: 'https://glmnet.stanford.edu/' })).toEqual({ action: 'deny' });
    await main.waitForNotice((n): n is Extract<DoubleNotice, { notice: 'openExternal' }> => n.notice === 'openExternal' && n.url === 'https://glmnet.stanford.edu/', 5000, 'openExternal');
    expect(await main.request({ op: 'openWindow', windowId, url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    // Only the documentation's origin reaches the browser, not any https page.
    expect(await main.request({ op: 'openWindow', windowId, url: 'https://evil.example/glmnet.stanford.edu/' })).toEqual({ action: 'deny' });
    expect(main.notices.filter((n) => n.notice === 'openExternal')).toHaveLength(1);
    expect((await main.snapshot()).windows).toHaveLength(1);
  });

  it('sends each menu accelerator to the page as its command', async () => {
    const expected: [string, AppCommand][] = [
      ['CmdOrCtrl+N', 'newRun'],
      ['CmdOrCtrl+Shift+N', 'newSweep'],
      ['CmdOrCtrl+O', 'import'],
      ['CmdOrCtrl+F', 'find'],
      [process.platform === 'darwin' ? 'Backspace' : 'Delete', 'delete'],
      ['Alt+C', 'compare'],
    ];
    for (const [accelerator, command] of expected) {
      const before = main.events().length;
      expect(await main.request({ op: 'accelerator', accelerator }), accelerator).toEqual({ handled: true });
      await expect.poll(() => main.events().slice(before)).toContainEqual({ type: 'command', command });
    }
  });

  it('trains a run on a utility-process trainer and stores it in SQLite', async () => {
    const datasets = unwrap<DatasetSummary[]>(await main.call('listDatasets', {}));
    expect(datasets.map((d) => d.id)).toContain('builtin:diabetes');
    const spec = { name: 'desktop ridge', datasetId: 'builtin:diabetes', hyperparams: { model: 'linear', lambda: 0.01, alpha: 0, solver: 'gd', learningRate: 0.4, maxIter: 300, standardize: true } };
    const { runId } = unwrap<{ runId: string }>(await main.call('startRun', spec));
    const ended = await main.waitForEvent(isEnded(runId), 60_000, 'the run to end');
    expect(ended, JSON.stringify(ended)).toMatchObject({ status: 'completed' });
    const snapshot = await main.snapshot();
    expect(snapshot.utilityProcesses.length).toBeGreaterThan(0);
    expect(snapshot.utilityProcesses[0].entry).toBe(OUT.trainer);
    expect(snapshot.utilityProcesses[0].serviceName).toBe('Ridgeline trainer');
    const detail = unwrap<RunDetail>(await main.call('getRun', { id: runId }));
    expect(detail.status).toBe('completed');
    expect(detail.iterations).toBe(300);
    // The same run, read from the database file by another connection.
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT name, status, dataset_id FROM runs WHERE id = ?').get(runId) as { name: string; status: string; dataset_id: string };
      expect(row).toEqual({ name: 'desktop ridge', status: 'completed', dataset_id: 'builtin:diabetes' });
      const parameters = db.prepare('SELECT count(*) AS n FROM run_parameters WHERE run_id = ?').get(runId) as { n: number };
      expect(parameters.n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    // The stored history reaches the page over IPC as typed arrays (structured clone), every step of it.
    const [metrics] = unwrap<{ count: number; columns: { objective?: Float64Array } }[]>(await main.call('getRunMetrics', { ids: [runId], metrics: ['objective'] }));
    expect(metrics.columns.objective).toBeInstanceOf(Float64Array);
    expect(metrics.columns.objective?.length).toBe(301);
    expect(metrics.count).toBe(301);
  });

  it('imports a CSV chosen in the native open dialog', async () => {
    const csv = fixturePath('seed_linear.csv');
    await main.request({ op: 'queueDialog', kind: 'open', response: { canceled: false, filePaths: [csv] } });
    const chosen = unwrap<{ path: string | null }>(await main.call('chooseImportFile', { purpose: 'data' }));
    expect(chosen.path).toBe(csv);
    const dialogNotice = main.notices.find((n): n is Extract<DoubleNotice, { notice: 'dialog' }> => n.notice === 'dialog' && n.kind === 'open');
    expect(JSON.stringify(dialogNotice?.options)).toContain('csv');
    // Cancelled: no path, nothing imported.
    expect(unwrap<{ path: string | null }>(await main.call('chooseImportFile', { purpose: 'data' }))).toEqual({ path: null });
    const preview = unwrap<{ columns: { name: string }[] }>(await main.call('previewImport', { source: { kind: 'path', path: csv } }));
    expect(preview.columns.map((c) => c.name)).toContain('y');
    const { importId } = unwrap<{ importId: string }>(await main.call('startImport', { source: { kind: 'path', path: csv }, options: { name: 'seed via dialog', target: 'y' } }));
    const finished = await main.waitForEvent((e): e is Extract<ApiEvent, { type: 'importFinished' }> => (e.type === 'importFinished' || e.type === 'importFailed') && e.importId === importId, 60_000, 'the import');
    expect(finished.type, JSON.stringify(finished)).toBe('importFinished');
    const datasets = unwrap<DatasetSummary[]>(await main.call('listDatasets', {}));
    expect(datasets.find((d) => d.id === finished.datasetId)?.name).toBe('seed via dialog');
  });

  it('exports reports through the save dialog: CSV byte for byte as the CLI, PDF through printToPDF', async () => {
    const runs = unwrap<{ id: string; name: string }[]>(await main.call('listRuns', {}));
    const run = runs.find((r) => r.name === 'desktop ridge');
    expect(run).toBeDefined();
    const target = { kind: 'run', id: run!.id };

    const csvPath = join(home, 'export.csv');
    await main.request({ op: 'queueDialog', kind: 'save', response: { canceled: false, filePath: csvPath } });
    const saved = unwrap<{ delivered: string; savedTo: string }>(await main.call('exportReport', { target, format: 'csv' }));
    expect(saved).toMatchObject({ delivered: 'saved', savedTo: csvPath });
    const cliOut = join(home, 'cli.csv');
    const cli = runCli(['report', run!.id, '--format', 'csv', '--out', cliOut, '--db', dbPath]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(readFileSync(csvPath).equals(readFileSync(cliOut))).toBe(true);
    // Nothing but the file itself is left beside it (no partial file).
    expect(readdirSync(home).filter((f) => f.includes('partial'))).toEqual([]);

    // Cancelled in the dialog: nothing written.
    const cancelled = unwrap<{ delivered: string }>(await main.call('exportReport', { target, format: 'json' }));
    expect(cancelled.delivered).toBe('cancelled');

    const pdfPath = join(home, 'export.pdf');
    await main.request({ op: 'queueDialog', kind: 'save', response: { canceled: false, filePath: pdfPath } });
    unwrap(await main.call('exportReport', { target, format: 'pdf' }));
    const pdf = readFileSync(pdfPath);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    if (hasPoppler) {
      const text = spawnSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }).stdout;
      expect(text).toContain('desktop ridge');
    }
    // The hidden PDF window was of its own session and is gone.
    expect((await main.snapshot()).windows.map((w) => w.id)).toEqual([windowId]);
  });

  it('backs up the database through the save dialog: a consistent copy with every run, never over the database', async () => {
    const runIds = unwrap<{ id: string }[]>(await main.call('listRuns', {})).map((r) => r.id).sort();
    expect(runIds.length).toBeGreaterThan(0);
    const out = join(home, 'backup.db');
    // The dialog asked before replacing this file (showOverwriteConfirmation): the backup replaces it.
    writeFileSync(out, 'an older file the user chose to replace');
    await main.request({ op: 'queueDialog', kind: 'save', response: { canceled: false, filePath: out } });
    const saved = unwrap<{ delivered: string; savedTo: string; bytes: number }>(await main.call('backupDatabase', {}));
    expect(saved).toMatchObject({ delivered: 'saved', savedTo: out, bytes: statSync(out).size });
    const dialogOptions = main.notices.filter((n): n is Extract<DoubleNotice, { notice: 'dialog' }> => n.notice === 'dialog' && n.kind === 'save').at(-1)!.options as { properties: string[] };
    expect(dialogOptions.properties).toContain('showOverwriteConfirmation');
    const listed = runCli(['runs', '--db', out, '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((r) => r.id).sort()).toEqual(runIds);
    expect(runCli(['db', 'check', '--db', out]).status).toBe(0);

    expect(unwrap<{ delivered: string }>(await main.call('backupDatabase', {})).delivered).toBe('cancelled');
    await main.request({ op: 'queueDialog', kind: 'save', response: { canceled: false, filePath: dbPath } });
    const onto = await main.call('backupDatabase', {});
    expect(onto.ok ? null : onto.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/cannot go over the database itself/) });
  });

  it('a second launch hands over to the first and quits; the first window comes to the front', async () => {
    const before = (await main.snapshot()).windows[0].focused;
    const second = launchDesktopMain(env(home));
    const exit = await second.exited;
    expect(exit.code).toBe(0);
    expect(second.notices.some((n) => n.notice === 'windowCreated')).toBe(false);
    expect(second.notices.find((n) => n.notice === 'exiting')).toEqual({ notice: 'exiting', code: 0, how: 'quit' });
    await main.waitForNotice((n): n is Extract<DoubleNotice, { notice: 'secondInstance' }> => n.notice === 'secondInstance', 10_000, 'second-instance');
    await expect.poll(async () => (await main.snapshot()).windows[0].focused).toBeGreaterThan(before);
  });

  it('closing the window while a sweep runs quits only once the sweep is done', async () => {
    const sweep = {
      name: 'desktop sweep',
      datasetId: 'builtin:logistic',
      model: 'logistic',
      grid: { solver: ['gd'], learningRate: [0.5], maxIter: [4000] },
      alphas: [0],
      nLambda: 6,
      folds: 3,
      tol: 0,
      seed: 3,
    };
    const { sweepId } = unwrap<{ sweepId: string }>(await main.call('startSweep', sweep));
    await main.waitForEvent((e): e is ApiEvent => e.type === 'sweepProgress' && e.sweepId === sweepId, 60_000, 'the sweep to start');
    const closedAt = Date.now();
    await main.request({ op: 'closeWindow', windowId });
    expect((await main.snapshot()).windows).toEqual([]);
    const statusNow = (): string => {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT status FROM sweeps WHERE id = ?').get(sweepId) as { status: string }).status;
      } finally {
        db.close();
      }
    };
    // Still alive while the sweep runs: closing the window did not stop it.
    expect(statusNow()).toBe('running');
    expect(main.child.exitCode).toBeNull();
    const exit = await main.exited;
    expect(exit.code).toBe(0);
    expect(main.notices.find((n) => n.notice === 'exiting')).toEqual({ notice: 'exiting', code: 0, how: 'quit' });
    expect(statusNow()).toBe('completed');
    // It went on for a while after the close: the quit waited for the sweep.
    expect(Date.now() - closedAt).toBeGreaterThan(1000);
  });
});

describe('the main process when the database cannot be opened', () => {
  it('opens the window on the damaged database’s check and recovery, and writes nothing to it', async () => {
    const dataHome = mkdtempSync(join(tmpdir(), 'ridgeline-desktop-bad-'));
    const bad = join(dataHome, 'not-a-db.db');
    const text = 'this is not an SQLite database, but it is long enough to look like a file header.'.repeat(20);
    writeFileSync(bad, text);
    const damaged = launchDesktopMain({ ...env(dataHome), RIDGELINE_DB: bad });
    try {
      await damaged.waitForNotice((n): n is Extract<DoubleNotice, { notice: 'windowLoaded' }> => n.notice === 'windowLoaded', 60_000, 'the window to load');
      const info = unwrap<{ databasePath: string; databaseDamage: string | null }>(await damaged.call('getAppInfo', {}));
      expect(info.databasePath).toBe(bad);
      expect(info.databaseDamage).toContain(bad);
      expect(info.databaseDamage).toMatch(/not a readable SQLite database/);
      // Nothing else works on it, and each refusal says why.
      const listed = await damaged.call('listRuns', {});
      expect(listed.ok ? null : listed.error).toMatchObject({ code: 'DB_CORRUPT', message: expect.stringMatching(/cannot be used until it is recovered/) });
      const check = unwrap<{ ok: boolean; problems: string[] }>(await damaged.call('checkDatabase', {}));
      expect(check.ok).toBe(false);
      expect(check.problems.length).toBeGreaterThan(0);
      // Nothing in it can be read: recovery says so, and leaves no file behind.
      const recovered = await damaged.call('recoverDatabase', {});
      expect(recovered.ok ? null : recovered.error).toMatchObject({ code: 'DB_CORRUPT', message: expect.stringMatching(/nothing can be recovered/) });
      expect(readdirSync(dataHome).filter((f) => f.includes('recovered'))).toEqual([]);
      expect(readFileSync(bad, 'utf8')).toBe(text);
    } finally {
      damaged.kill();
    }
  });

  it('shows an error box naming the problem and exits with status 1 for a database from a newer Ridgeline', async () => {
    const dataHome = mkdtempSync(join(tmpdir(), 'ridgeline-desktop-new-'));
    const newer = join(dataHome, 'newer.db');
    const raw = new Database(newer);
    raw.pragma('user_version = 9999');
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    const before = readFileSync(newer);
    const failing = launchDesktopMain({ ...env(dataHome), RIDGELINE_DB: newer });
    const exit = await failing.exited;
    expect(exit.code).toBe(1);
    const box = failing.notices.find((n): n is Extract<DoubleNotice, { notice: 'dialog' }> => n.notice === 'dialog' && n.kind === 'error');
    expect(box).toBeDefined();
    const { title, content } = box!.options as { title: string; content: string };
    expect(title).toMatch(/cannot open its database/);
    expect(content).toContain(newer);
    expect(content).toContain('DB_TOO_NEW');
    expect(failing.notices.some((n) => n.notice === 'windowCreated')).toBe(false);
    expect(readFileSync(newer).equals(before)).toBe(true);
  });
});
