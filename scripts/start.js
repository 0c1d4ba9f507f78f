// `npm start` (and `npm run dev` with --dev): the desktop app. Where Electron's binary is missing it
// first runs Electron's own installer; on the first desktop launch it builds better-sqlite3 for
// Electron's ABI (see electron-sqlite.js). Where either cannot be had (no network), it says why in
// one line and starts serve mode instead, with the arguments given (`npm start -- --port 0`).
//
// Environment overrides, for tests and unusual setups; unset, none changes anything:
//   RIDGELINE_ELECTRON_BINARY=PATH      the Electron executable to use instead of the one
//                                       require('electron') names (also given to electron-vite as
//                                       ELECTRON_EXEC_PATH); Electron's installer is then never run.
//   RIDGELINE_SKIP_ELECTRON_INSTALL=1   where the binary is missing, do not run Electron's installer:
//                                       start serve mode at once.
//   RIDGELINE_ELECTRON_HEADERS_URL=URL  where node-gyp downloads Electron's headers to build
//                                       better-sqlite3 (default https://electronjs.org/headers).
//   RIDGELINE_ELECTRON_CACHE=DIR        where that build and its log go (default .cache/ in the repo).
//   RIDGELINE_ELECTRON_VITE=PATH        a Node script run instead of electron-vite's CLI, with the same
//                                       arguments (preview or dev) and environment.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_HEADERS_URL, ensureElectronSqliteBinding } from './electron-sqlite.js';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const dev = process.argv.includes('--dev');
const env = process.env;

/** The binary require('electron') names, or null when it was never downloaded. */
function installedElectron() {
  try {
    const path = require('electron'); // throws when the installer never ran
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function tryElectronInstaller() {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return 'the electron package is not installed (run npm ci)';
  console.error('Electron binary missing: running its installer…');
  const result = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: 300_000 });
  if (result.status === 0 && installedElectron()) return null;
  const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const reason = lines.find((l) => /Error|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN/.test(l)) ?? lines[0] ?? `exit code ${result.status}`;
  return `its installer failed (${reason})`;
}

/** `{ binary }`, or `{ reason }` why there is none, in words that follow "Electron is not available here:". */
function electronBinary() {
  if (env.RIDGELINE_ELECTRON_BINARY) {
    const binary = resolve(env.RIDGELINE_ELECTRON_BINARY);
    return existsSync(binary) ? { binary } : { reason: `RIDGELINE_ELECTRON_BINARY names ${binary}, which does not exist` };
  }
  const installed = installedElectron();
  if (installed) return { binary: installed };
  if (env.RIDGELINE_SKIP_ELECTRON_INSTALL === '1') return { reason: 'its binary is missing (RIDGELINE_SKIP_ELECTRON_INSTALL=1: its installer was not run)' };
  const failure = tryElectronInstaller();
  const binary = installedElectron();
  return binary ? { binary } : { reason: failure ?? 'its binary is missing' };
}

function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** Runs `command` and exits with its status, passing Ctrl+C and SIGTERM on to it. */
function handOver(command, args, options) {
  const child = spawn(command, args, { stdio: 'inherit', ...options });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.once('error', (error) => {
    console.error(`could not start ${args[0] ?? command}: ${error.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : signal ? 143 : 0)));
}

function startServe(reason) {
  console.log(`Electron is not available here: ${reason}; starting serve mode instead.`);
  // This is the app: a damaged database opens on its check and recovery, as in the desktop shell.
  handOver(process.execPath, [join(root, 'bin', 'ridgeline.js'), 'serve', '--offer-recovery', ...process.argv.slice(2).filter((a) => a !== '--dev' && a !== '--offer-recovery')], { cwd: root });
}

async function main() {
  const electron = electronBinary();
  if (!electron.binary) return startServe(electron.reason);

  const version = electronVersion();
  let binding;
  let buildStarted = 0;
  try {
    binding = await ensureElectronSqliteBinding({
      root,
      cacheDir: env.RIDGELINE_ELECTRON_CACHE ? resolve(env.RIDGELINE_ELECTRON_CACHE) : join(root, '.cache'),
      electronVersion: version,
      headersUrl: env.RIDGELINE_ELECTRON_HEADERS_URL || DEFAULT_HEADERS_URL,
      onBuildStart: ({ log }) => {
        buildStarted = Date.now();
        console.error(`Building better-sqlite3 for Electron ${version} (once; a few minutes; log: ${log})…`);
      },
    });
    if (buildStarted) console.error(`Built better-sqlite3 for Electron ${version} in ${Math.round((Date.now() - buildStarted) / 1000)} s.`);
  } catch (error) {
    return startServe(`better-sqlite3 could not be built for Electron ${version} (${error.message})`);
  }

  const childEnv = { ...env, RIDGELINE_SQLITE_BINDING: binding };
  if (env.RIDGELINE_ELECTRON_BINARY) childEnv.ELECTRON_EXEC_PATH = electron.binary;
  const electronVite = env.RIDGELINE_ELECTRON_VITE ? resolve(env.RIDGELINE_ELECTRON_VITE) : join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  handOver(process.execPath, [electronVite, dev ? 'dev' : 'preview'], { env: childEnv, cwd: root });
}

await main();
