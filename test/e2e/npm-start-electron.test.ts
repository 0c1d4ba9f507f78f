// `npm start` where an Electron binary is there (a fake one here: RIDGELINE_ELECTRON_BINARY) and
// better-sqlite3 must be built for it. When Electron's headers cannot be downloaded (a closed
// loopback port stands for the network that is not there), the user sees one line saying why,
// not node-gyp's output, and gets serve mode; a failed build is never taken for a finished one.
// When the binding was built earlier, nothing is built and electron-vite (a fake that records how it
// was called: RIDGELINE_ELECTRON_VITE) gets the binding in RIDGELINE_SQLITE_BINDING.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';
import { closedLoopbackPort } from '../helpers/ports.ts';

const ELECTRON_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
const BUILD_DIR_NAME = `better-sqlite3-electron-${ELECTRON_VERSION}`;
const NODE_GYP_NOISE = /^(gyp|make(\[\d+\])?:|\s*(CC|CXX|SOLINK|LINK|TOUCH|ACTION)[( ])|node-gyp|npm (ERR|error)/;


interface Sandbox {
  dir: string;
  cache: string;
  headersPort: number;
  env: NodeJS.ProcessEnv;
}

/** A temp dir with a fake Electron, an empty build cache, and the environment `npm start` runs in. */
async function sandbox(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-start-electron-'));
  const fakeElectron = join(dir, 'electron');
  writeFileSync(fakeElectron, '#!/bin/sh\necho "the fake Electron is not meant to run" >&2\nexit 1\n');
  chmodSync(fakeElectron, 0o755);
  const cache = join(dir, 'cache');
  const headersPort = await closedLoopbackPort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RIDGELINE_ELECTRON_BINARY: fakeElectron,
    RIDGELINE_ELECTRON_HEADERS_URL: `http://127.0.0.1:${headersPort}/`,
    RIDGELINE_ELECTRON_CACHE: cache,
    RIDGELINE_DB: join(dir, 'ridgeline.db'),
    // node-gyp's header cache follows XDG_CACHE_HOME: an empty one, so it must try the download.
    XDG_CACHE_HOME: join(dir, 'xdg-cache'),
    // An npm setting that would have node-gyp build against the system Node's headers (this
    // machine's ~/.npmrc has it): the launcher must not pass it on to the build for Electron.
    npm_config_nodedir: '/usr',
  };
  for (const key of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'npm_config_proxy', 'npm_config_https_proxy']) delete env[key];
  return { dir, cache, headersPort, env };
}

interface Started {
  /** What it printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  url: string;
  stop(): Promise<void>;
}

/** `npm start -- ARGS` until serve mode prints its URL. */
function startUntilServing(env: NodeJS.ProcessEnv, args: string[], timeoutMs = 60_000): Promise<Started> {
  const child = spawn('npm', ['start', '--', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  // npm runs the start script in its own process group: stop the whole group.
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  return new Promise((resolveStart, reject) => {
    let serving = false;
    const fail = (why: string) => {
      if (serving) return;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${why}\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
    };
    const timer = setTimeout(() => fail(`no URL printed in ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code) => fail(`npm start exited with ${code} before printing a URL`));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Ridgeline serving at (http:\/\/\S+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      serving = true;
      resolveStart({
        url: match[1],
        stop,
        get stdout() {
          return stdout;
        },
        get stderr() {
          return stderr;
        },
      });
    });
  });
}

/** `npm run SCRIPT` to completion. */
function runToExit(script: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('npm', ['run', script], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      reject(new Error(`npm run ${script} did not finish in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolveRun({ status, stdout, stderr });
    });
  });
}

function lines(text: string): string[] {
  return text.split('\n').map((line) => line.trimEnd()).filter(Boolean);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('npm start with an Electron binary', () => {
  it('says in one line that better-sqlite3 could not be built, shows no node-gyp output, serves, and keeps nothing half-built', async () => {
    const box = await sandbox();
    const log = join(box.cache, `${BUILD_DIR_NAME}.log`);
    // What an earlier launch killed mid-build left: a scratch dir of a process that is gone, binding included.
    const abandoned = join(box.cache, `${BUILD_DIR_NAME}.partial-999999999`);
    mkdirSync(join(abandoned, 'build', 'Release'), { recursive: true });
    writeFileSync(join(abandoned, 'build', 'Release', 'better_sqlite3.node'), 'half written');
    const expectedReason = new RegExp(
      `^Electron is not available here: better-sqlite3 could not be built for Electron ${escapeRegExp(ELECTRON_VERSION)} ` +
        `\\(could not download Electron's headers: connect ECONNREFUSED 127\\.0\\.0\\.1:${box.headersPort}; log: ${escapeRegExp(log)}\\); ` +
        'starting serve mode instead\\.$',
    );

    for (const attempt of ['first', 'second']) {
      const started = Date.now();
      const run = await startUntilServing(box.env, ['--port', '0']);
      try {
        const reasons = lines(run.stdout).filter((line) => line.startsWith('Electron is not available here:'));
        expect(reasons, `${attempt} start`).toHaveLength(1);
        expect(reasons[0]).toMatch(expectedReason);
        // Progress is one line on stderr; node-gyp's output went to the log, not to the terminal.
        const output = [...lines(run.stdout), ...lines(run.stderr)];
        expect(output.filter((line) => NODE_GYP_NOISE.test(line.trim()))).toEqual([]);
        expect(lines(run.stderr).filter((line) => line.startsWith('Building better-sqlite3'))).toEqual([
          `Building better-sqlite3 for Electron ${ELECTRON_VERSION} (once; a few minutes; log: ${log})…`,
        ]);
        expect(readFileSync(log, 'utf8')).toMatch(/^gyp ERR! stack Error: connect ECONNREFUSED/m);

        const response = await fetch(run.url);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await response.text()).toMatch(/<html/i);
      } finally {
        await run.stop();
      }
      // Nothing that looks built: no binding, no scratch dirs (its own nor the abandoned one), only the log.
      expect(readdirSync(box.cache)).toEqual([`${BUILD_DIR_NAME}.log`]);
      console.log(`npm start (${attempt}, headers unreachable → serve): ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  });

  it('does not build a binding built before and hands it to electron-vite preview (and dev)', async () => {
    const box = await sandbox();
    const binding = join(box.cache, BUILD_DIR_NAME, 'build', 'Release', 'better_sqlite3.node');
    mkdirSync(join(binding, '..'), { recursive: true });
    writeFileSync(binding, 'built by an earlier launch');
    const record = join(box.dir, 'electron-vite-calls.jsonl');
    const fakeElectronVite = join(box.dir, 'fake-electron-vite.mjs');
    writeFileSync(
      fakeElectronVite,
      `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(record)}, JSON.stringify({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  binding: process.env.RIDGELINE_SQLITE_BINDING,
  electronExecPath: process.env.ELECTRON_EXEC_PATH,
}) + '\\n');
`,
    );
    const env = { ...box.env, RIDGELINE_ELECTRON_VITE: fakeElectronVite };

    const started = Date.now();
    const preview = await runToExit('start', env);
    const dev = await runToExit('dev', env);
    console.log(`npm start + npm run dev (binding already built → electron-vite): ${((Date.now() - started) / 1000).toFixed(1)} s`);

    for (const run of [preview, dev]) {
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).not.toContain('Electron is not available here');
      expect(run.stdout).not.toContain('Ridgeline serving at');
      expect(run.stderr).not.toContain('Building better-sqlite3');
    }
    const calls = lines(readFileSync(record, 'utf8')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = { cwd: resolve(REPO_ROOT), binding, electronExecPath: box.env.RIDGELINE_ELECTRON_BINARY };
    expect(calls).toEqual([
      { argv: ['preview'], ...expected },
      { argv: ['dev'], ...expected },
    ]);
    // Not built again: no build log, and the binding is the one that was there.
    expect(existsSync(join(box.cache, `${BUILD_DIR_NAME}.log`))).toBe(false);
    expect(readFileSync(binding, 'utf8')).toBe('built by an earlier launch');
  });
});
