// better-sqlite3 built for Electron's ABI, kept apart from the one the CLI and tests use (built for the
// system Node by `npm ci`). Built once per Electron version with node-gyp, in a scratch directory that
// is renamed into place only when the binding exists, so an interrupted or failed build is never taken
// for a finished one. node-gyp's output goes to a log file; a failure is summed up in one phrase.
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative } from 'node:path';

const require = createRequire(import.meta.url);

export const DEFAULT_HEADERS_URL = 'https://electronjs.org/headers';

/** Where the binding for this Electron version lives once built, and where its build log goes. */
export function electronSqlitePaths(cacheDir, electronVersion) {
  const dir = join(cacheDir, `better-sqlite3-electron-${electronVersion}`);
  return {
    dir,
    binding: join(dir, 'build', 'Release', 'better_sqlite3.node'),
    log: `${dir}.log`,
    partialPrefix: `better-sqlite3-electron-${electronVersion}.partial-`,
  };
}

/**
 * The reason a node-gyp run failed, from its log: one phrase without node-gyp's prefixes, stack
 * frames or boilerplate, e.g. "could not download Electron's headers: connect ECONNREFUSED 127.0.0.1:9".
 */
export function describeGypFailure(log) {
  const lines = log.split(/\r?\n/).map((line) => line.trimEnd());
  const stackMessages = lines
    .filter((line) => line.startsWith('gyp ERR! stack '))
    .map((line) => line.slice('gyp ERR! stack '.length).trim())
    .filter((line) => line && !line.startsWith('at '));
  const firstMessage = stackMessages[0]?.replace(/^(\w*Error): /, (whole, name) => (name === 'Error' ? '' : whole));
  const headersUrl = lines.find((line) => line.startsWith('gyp http GET '))?.slice('gyp http GET '.length).trim();
  const downloadFailed =
    lines.some((line) => /rolling back install/.test(line)) || lines.some((line) => /^gyp ERR! stack +at .*node-gyp[\\/]lib[\\/](download|install)\.js/.test(line));
  if (downloadFailed) {
    // node-gyp replaces ENOTFOUND (no DNS, no network) with a paragraph about proxies.
    const notFound = firstMessage?.startsWith('This is most likely not a problem with node-gyp');
    const host = headersUrl ? safeHost(headersUrl) : null;
    const detail = notFound ? `${host ?? 'its host'} could not be resolved` : firstMessage ?? 'see the log';
    return `could not download Electron's headers: ${detail}`;
  }
  const compilerError = lines.find((line) => !line.startsWith('gyp') && /\b(fatal )?error:/.test(line));
  if (compilerError) return `the compiler failed: ${compilerError.trim()}`;
  if (firstMessage) return `node-gyp failed: ${firstMessage}`;
  const anyError = lines.find((line) => line.startsWith('gyp ERR!') && !/gyp ERR! (not ok|configure error|build error)\s*$/.test(line));
  return anyError ? `node-gyp failed: ${anyError.slice('gyp ERR! '.length).trim()}` : 'node-gyp failed';
}

function safeHost(url) {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** A path as the user should read it: relative to the repository where it is inside it. */
export function displayPath(root, path) {
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Scratch directories of builds whose process is gone (killed, crashed, power cut). */
function removeAbandonedBuilds(cacheDir, partialPrefix) {
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith(partialPrefix)) continue;
    const pid = Number(name.slice(partialPrefix.length));
    if (!Number.isInteger(pid) || pid === process.pid || !processAlive(pid)) rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
}

/**
 * Returns the path of the binding, building it first if needed. `onBuildStart` is called only when a
 * build starts (to tell the user); a failed build throws an Error whose message says why in one phrase
 * and names the log.
 */
export async function ensureElectronSqliteBinding({ root, cacheDir, electronVersion, headersUrl = DEFAULT_HEADERS_URL, env = process.env, onBuildStart = () => {} }) {
  const paths = electronSqlitePaths(cacheDir, electronVersion);
  if (existsSync(paths.binding)) return paths.binding;

  mkdirSync(cacheDir, { recursive: true });
  removeAbandonedBuilds(cacheDir, paths.partialPrefix);
  const scratch = join(cacheDir, `${paths.partialPrefix}${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  const source = join(root, 'node_modules', 'better-sqlite3');
  const sourceBuild = join(source, 'build'); // the system Node's build: node-gyp rebuild would delete it anyway
  cpSync(source, scratch, { recursive: true, filter: (path) => path !== sourceBuild });

  const logDisplay = displayPath(root, paths.log);
  onBuildStart({ log: logDisplay });
  const args = [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${electronVersion}`, `--dist-url=${headersUrl}`, '--runtime=electron'];
  const logFd = openSync(paths.log, 'w');
  writeSync(logFd, `$ cd ${scratch} && ${process.execPath} ${args.join(' ')}\n`);
  let status;
  try {
    status = await runForwardingSignals(process.execPath, args, { cwd: scratch, env: gypEnvironment(env), stdio: ['ignore', logFd, logFd] }, () => removeScratch(scratch));
  } finally {
    closeSync(logFd);
  }

  const built = join(scratch, 'build', 'Release', 'better_sqlite3.node');
  if (status !== 0 || !existsSync(built)) {
    removeScratch(scratch);
    const why = status === 0 ? 'node-gyp finished without producing build/Release/better_sqlite3.node' : describeGypFailure(readFileSync(paths.log, 'utf8'));
    throw new Error(`${why}; log: ${logDisplay}`);
  }
  // A directory already at the final path either lacks the binding (left by an older launcher) or
  // holds one another launch finished meanwhile: keep the latter, replace the former.
  if (existsSync(paths.binding)) {
    removeScratch(scratch);
  } else {
    rmSync(paths.dir, { recursive: true, force: true });
    renameSync(scratch, paths.dir);
  }
  return paths.binding;
}

// npm exports its configuration to `npm start` as npm_config_* variables, and node-gyp lets those
// override its command line: a user's `nodedir=/usr` (common where Node's headers cannot be
// downloaded) would build against the system Node's headers, for the wrong ABI. Drop what chooses
// the headers or the runtime; keep the rest (proxy, python, devdir, jobs…).
const HEADER_CHOOSING_OPTIONS = new Set(['nodedir', 'target', 'runtime', 'disturl', 'dist_url', 'dist-url', 'tarball']);

export function gypEnvironment(env) {
  const kept = {};
  for (const [key, value] of Object.entries(env)) {
    const option = /^(npm_config_|npm_package_config_node_gyp_)(.*)$/i.exec(key)?.[2]?.toLowerCase();
    if (option === undefined || !HEADER_CHOOSING_OPTIONS.has(option)) kept[key] = value;
  }
  return kept;
}

/** Best effort: a leftover is removed by the next launch (its process is gone by then). */
function removeScratch(scratch) {
  try {
    rmSync(scratch, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch {
    // the compiler may still be writing into it while it dies
  }
}

/**
 * Runs a child to completion; Ctrl+C, SIGTERM or SIGHUP stops it, runs `cleanUp` once it has exited, and
 * exits with the signal's status, so no half-done work is left behind.
 */
function runForwardingSignals(command, args, options, cleanUp) {
  return new Promise((resolve, reject) => {
    // Its own process group, so that a stop reaches make and the compilers too.
    const child = spawn(command, args, { ...options, detached: true });
    let stoppedBy = null;
    const handlers = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => {
      const handler = () => {
        stoppedBy = signal;
        try {
          process.kill(-child.pid, signal);
        } catch {
          child.kill(signal);
        }
      };
      process.on(signal, handler);
      return [signal, handler];
    });
    const done = () => handlers.forEach(([signal, handler]) => process.off(signal, handler));
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('close', (code, signal) => {
      done();
      if (stoppedBy) {
        cleanUp();
        process.exit({ SIGHUP: 129, SIGINT: 130, SIGTERM: 143 }[stoppedBy]);
      }
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
