// The desktop launcher's build of better-sqlite3 for Electron (scripts/electron-sqlite.js): how a
// failed node-gyp run is summed up in one phrase, which of npm's variables node-gyp gets, and that a
// failed build leaves nothing that a later launch could take for a finished one. The logs below are
// node-gyp 12's own output on this machine (stack frames shortened).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeGypFailure, electronSqlitePaths, ensureElectronSqliteBinding, gypEnvironment } from '../../scripts/electron-sqlite.js';
import { REPO_ROOT } from '../helpers/cli.ts';
import { closedLoopbackPort } from '../helpers/ports.ts';

const REFUSED_LOG = `gyp info it worked if it ends with ok
gyp info using node-gyp@12.4.0
gyp info find Python using Python version 3.11.7 found at "/usr/bin/python3"

gyp http GET http://127.0.0.1:45999/v39.8.10/node-v39.8.10-headers.tar.gz
gyp WARN install got an error, rolling back install
gyp ERR! configure error 
gyp ERR! stack Error: connect ECONNREFUSED 127.0.0.1:45999
gyp ERR! System Linux 6.18.44
gyp ERR! command "/usr/bin/node" "node-gyp.js" "rebuild" "--release" "--target=39.8.10" "--runtime=electron"
gyp ERR! not ok 
`;

// No DNS: node-gyp replaces ENOTFOUND with a paragraph about proxies.
const NOT_FOUND_LOG = `gyp info it worked if it ends with ok
gyp http GET https://electronjs.org/headers/v39.8.10/node-v39.8.10-headers.tar.gz
gyp WARN install got an error, rolling back install
gyp ERR! configure error 
gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and
gyp ERR! stack is related to network connectivity. In most cases you are behind a proxy or have bad 
gyp ERR! stack network settings.
gyp ERR! stack at go (/work/main/node_modules/node-gyp/lib/install.js:244:21)
gyp ERR! not ok 
`;

const COMPILER_LOG = `gyp info spawn make
make: Entering directory '/tmp/x/build'
  CXX(target) Release/obj.target/better_sqlite3/src/better_sqlite3.o
../src/better_sqlite3.cpp:4:10: fatal error: node.h: No such file or directory
    4 | #include <node.h>
compilation terminated.
make: *** [better_sqlite3.target.mk:123: Release/obj.target/better_sqlite3/src/better_sqlite3.o] Error 1
gyp ERR! build error 
gyp ERR! stack Error: \`make\` failed with exit code: 2
gyp ERR! stack at ChildProcess.<anonymous> (/work/main/node_modules/node-gyp/lib/build.js:219:23)
gyp ERR! not ok 
`;

const NO_PYTHON_LOG = `gyp info it worked if it ends with ok
gyp ERR! find Python
gyp ERR! configure error 
gyp ERR! stack Error: Could not find any Python installation to use
gyp ERR! stack at PythonFinder.fail (/work/main/node_modules/node-gyp/lib/find-python.js:306:11)
gyp ERR! not ok 
`;

describe('describeGypFailure', () => {
  it('names a headers download refused, with the error and without node-gyp prefixes', () => {
    expect(describeGypFailure(REFUSED_LOG)).toBe("could not download Electron's headers: connect ECONNREFUSED 127.0.0.1:45999");
  });

  it('names the host that could not be resolved instead of the paragraph about proxies', () => {
    expect(describeGypFailure(NOT_FOUND_LOG)).toBe("could not download Electron's headers: electronjs.org could not be resolved");
  });

  it("quotes the compiler's first error rather than make's exit code", () => {
    expect(describeGypFailure(COMPILER_LOG)).toBe('the compiler failed: ../src/better_sqlite3.cpp:4:10: fatal error: node.h: No such file or directory');
  });

  it("quotes node-gyp's own error otherwise", () => {
    expect(describeGypFailure(NO_PYTHON_LOG)).toBe('node-gyp failed: Could not find any Python installation to use');
    expect(describeGypFailure('')).toBe('node-gyp failed');
  });
});

describe('gypEnvironment', () => {
  it("drops npm's settings that would pick other headers or another runtime, and keeps the rest", () => {
    const env = gypEnvironment({
      PATH: '/usr/bin',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_TARGET: '20.0.0',
      npm_config_runtime: 'node',
      npm_config_disturl: 'https://nodejs.org/dist',
      npm_package_config_node_gyp_nodedir: '/opt/node',
      npm_config_proxy: 'http://proxy.example:3128',
      npm_config_python: '/usr/bin/python3',
      npm_config_devdir: '/tmp/gyp',
    });
    expect(env).toEqual({ PATH: '/usr/bin', npm_config_proxy: 'http://proxy.example:3128', npm_config_python: '/usr/bin/python3', npm_config_devdir: '/tmp/gyp' });
  });
});


describe('ensureElectronSqliteBinding', () => {
  it('fails in one phrase naming its log, keeps no scratch directory and removes those of dead builds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-esqlite-'));
    const cacheDir = join(dir, 'cache');
    const paths = electronSqlitePaths(cacheDir, '39.8.10');
    // A build killed mid-way by an earlier launch (its process is gone): a binding may even be there.
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const abandoned = join(cacheDir, `${paths.partialPrefix}${deadPid}`);
    mkdirSync(join(abandoned, 'build', 'Release'), { recursive: true });
    writeFileSync(join(abandoned, 'build', 'Release', 'better_sqlite3.node'), 'half written');
    const port = await closedLoopbackPort();
    const started: string[] = [];

    const attempt = ensureElectronSqliteBinding({
      root: REPO_ROOT,
      cacheDir,
      electronVersion: '39.8.10',
      headersUrl: `http://127.0.0.1:${port}/`,
      // No cached headers (node-gyp's cache follows XDG_CACHE_HOME), no npm settings, no proxy.
      env: { PATH: process.env.PATH, HOME: dir, XDG_CACHE_HOME: join(dir, 'xdg-cache') },
      onBuildStart: ({ log }) => started.push(log),
    });
    await expect(attempt).rejects.toThrow(`could not download Electron's headers: connect ECONNREFUSED 127.0.0.1:${port}; log: ${paths.log}`);

    expect(started).toEqual([paths.log]);
    expect(readdirSync(cacheDir)).toEqual([`better-sqlite3-electron-39.8.10.log`]);
    expect(existsSync(paths.binding)).toBe(false);
    expect(readFileSync(paths.log, 'utf8')).toMatch(/^gyp ERR! stack Error: connect ECONNREFUSED/m);
  });

  it('returns a binding already built without building again', async () => {
    const cacheDir = join(mkdtempSync(join(tmpdir(), 'ridgeline-esqlite-')), 'cache');
    const paths = electronSqlitePaths(cacheDir, '39.8.10');
    mkdirSync(join(paths.dir, 'build', 'Release'), { recursive: true });
    writeFileSync(paths.binding, 'built earlier');
    let started = false;
    const binding = await ensureElectronSqliteBinding({
      root: REPO_ROOT,
      cacheDir,
      electronVersion: '39.8.10',
      headersUrl: 'http://127.0.0.1:1/',
      onBuildStart: () => (started = true),
    });
    expect(binding).toBe(paths.binding);
    expect(started).toBe(false);
    expect(existsSync(paths.log)).toBe(false);
  });
});
