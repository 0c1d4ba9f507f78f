// `npm start` (and `npm run dev` with --dev): the desktop app. Where Electron's binary is missing it
// first runs Electron's own installer; if that cannot reach its host, it starts serve mode instead
// and says why in one line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, cpSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const dev = process.argv.includes('--dev');

function electronBinary() {
  try {
    return require('electron'); // the path of the binary, or a throw when it was never downloaded
  } catch {
    return null;
  }
}

function tryElectronInstaller() {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return 'the electron package is not installed (run npm ci)';
  console.error('Electron binary missing: running its installer…');
  const result = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: 300_000 });
  if (result.status === 0 && electronBinary()) return null;
  const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const reason = lines.find((l) => /Error|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN/.test(l)) ?? lines[0] ?? `exit code ${result.status}`;
  return `its installer failed (${reason})`;
}

/** better-sqlite3 built for Electron's ABI, kept apart from the one the CLI and tests use. */
function electronSqliteBinding() {
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const dir = join(root, '.cache', `better-sqlite3-electron-${version}`);
  const binding = join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  console.error(`Building better-sqlite3 for Electron ${version} (once)…`);
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(join(root, 'node_modules', 'better-sqlite3'), dir, { recursive: true });
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  const result = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (result.status !== 0 || !existsSync(binding)) throw new Error('could not build better-sqlite3 for Electron');
  return binding;
}

function startServe(reason) {
  console.log(`Electron is not available here: ${reason}; starting serve mode instead.`);
  const child = spawn(process.execPath, [join(root, 'bin', 'ridgeline.js'), 'serve', ...process.argv.slice(2).filter((a) => a !== '--dev')], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

let binary = electronBinary();
let reason = null;
if (!binary) {
  reason = tryElectronInstaller();
  binary = electronBinary();
}
if (!binary) {
  startServe(reason ?? 'its binary is missing');
} else {
  let binding;
  try {
    binding = electronSqliteBinding();
  } catch (error) {
    startServe(`better-sqlite3 could not be built for it (${error.message})`);
  }
  if (binding) {
    const env = { ...process.env, RIDGELINE_SQLITE_BINDING: binding };
    const evite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    const child = spawn(process.execPath, [evite, dev ? 'dev' : 'preview'], { stdio: 'inherit', env, cwd: root });
    child.on('exit', (code) => process.exit(code ?? 0));
  }
}
