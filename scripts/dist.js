// `npm run dist [-- electron-builder options]`: builds out/ with electron-vite, then packages it with
// electron-builder (electron-builder.yml; e.g. `npm run dist -- --linux AppImage`, `-- --dir`).
// Needs the network: electron-builder downloads Electron's binary for the target platform and
// rebuilds better-sqlite3 for Electron's ABI (Electron's headers or a prebuilt binding).
//
// That rebuild happens in place, in node_modules/better-sqlite3/build, which would leave the CLI and
// the tests with a binding this Node cannot load (and a marker that makes the next rebuild skip it).
// The Node build is set aside first and put back at the end, whether packaging succeeded or not.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gypEnvironment } from './electron-sqlite.js';

const require = createRequire(import.meta.url);
const sqliteBuild = join(dirname(require.resolve('better-sqlite3/package.json')), 'build');
const electronBuilderCli = require.resolve('electron-builder/cli.js');

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

// Ctrl+C reaches the child too; this process stays to put the Node build back once it has exited.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

let status = run('npx', ['--no-install', 'electron-vite', 'build']);
if (status === 0) {
  const aside = existsSync(sqliteBuild) ? join(mkdtempSync(join(tmpdir(), 'ridgeline-dist-')), 'build') : null;
  if (aside) cpSync(sqliteBuild, aside, { recursive: true });
  try {
    // Run directly, not through npm, and without npm's header-choosing settings: a `nodedir=/usr`
    // in npm's configuration makes node-gyp build against the system Node's headers, and
    // @electron/rebuild would then package a binding for the wrong ABI without a word.
    status = run(process.execPath, [electronBuilderCli, '--publish', 'never', ...process.argv.slice(2)], gypEnvironment(process.env));
  } finally {
    if (aside) {
      rmSync(sqliteBuild, { recursive: true, force: true });
      cpSync(aside, sqliteBuild, { recursive: true });
      rmSync(dirname(aside), { recursive: true, force: true });
    }
  }
}
process.exit(status);
