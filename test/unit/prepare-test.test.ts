// npm test's preparation (scripts/prepare-test.js, the `pretest` script): with Chromium missing it
// installs it through apt-get where it can, one line saying so, and where it cannot it stops before
// any test with one line naming the command to run. apt-get is a stub here (RIDGELINE_APT_GET).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

const script = join(REPO_ROOT, 'scripts', 'prepare-test.js');

/** Everything else present (any existing file stands for it), so each test misses only what it says. */
const PRESENT = { REDIS_SERVER_PATH: process.execPath };

function prepare(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [script], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...PRESENT, ...env } });
}

/** An apt-get that logs its arguments and, on `install …`, does `onInstall`. */
function stubAptGet(dir: string, onInstall: string): string {
  const path = join(dir, 'apt-get');
  writeFileSync(path, `#!/bin/sh\necho "$@" >> "${dir}/apt.log"\nif [ "$1" = install ]; then ${onInstall}; fi\nexit 0\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('npm test preparation', () => {
  it('where it cannot install, stops with one line naming the command', () => {
    const result = prepare({ CHROMIUM_PATH: '/nonexistent/chromium', RIDGELINE_APT_GET: 'none' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      'npm test needs Chromium for the end-to-end tests and PDF reports: run `sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium executable; there is none at /nonexistent/chromium), then npm test again.',
    ]);
  });

  it('installs what is missing through apt-get, one line each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-pretest-'));
    const chromium = join(dir, 'chromium');
    const apt = stubAptGet(dir, `touch "${chromium}"`);
    const result = prepare({ CHROMIUM_PATH: chromium, RIDGELINE_APT_GET: apt });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['npm test: installing chromium from Debian, for the end-to-end tests and PDF reports…']);
    expect(readFileSync(join(dir, 'apt.log'), 'utf8').trim().split('\n')).toEqual(['update -qq', 'install -y -qq chromium']);
    expect(existsSync(chromium)).toBe(true);
  });

  it('says so in one line when the install does not bring it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-pretest-'));
    const apt = stubAptGet(dir, 'echo "E: Unable to locate package chromium" >&2; exit 100');
    const result = prepare({ CHROMIUM_PATH: join(dir, 'chromium'), RIDGELINE_APT_GET: apt });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm test could not install chromium \(E: Unable to locate package chromium\): run `sudo apt-get install -y chromium`/);
  });

  it('installs redis-server for the queue tests, and names it where it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-pretest-'));
    const redis = join(dir, 'redis-server');
    const apt = stubAptGet(dir, `touch "${redis}"`);
    const installed = prepare({ CHROMIUM_PATH: process.execPath, REDIS_SERVER_PATH: redis, RIDGELINE_APT_GET: apt });
    expect(installed.status, installed.stderr).toBe(0);
    expect(installed.stdout.trim().split('\n')).toEqual(['npm test: installing redis-server from Debian, for the tests of sweeps on several machines (BullMQ on Redis)…']);
    expect(readFileSync(join(dir, 'apt.log'), 'utf8').trim().split('\n')).toEqual(['update -qq', 'install -y -qq redis-server']);

    const refused = prepare({ CHROMIUM_PATH: process.execPath, REDIS_SERVER_PATH: '/nonexistent/redis-server', RIDGELINE_APT_GET: 'none' });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'npm test needs redis-server for the tests of sweeps on several machines (BullMQ on Redis): run `sudo apt-get install -y redis-server` (or set REDIS_SERVER_PATH to a redis-server executable; there is none at /nonexistent/redis-server), then npm test again.',
    ]);
  });

  it('`npm test` itself stops there, before the type checks or any test', () => {
    const result = spawnSync('npm', ['test'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...PRESENT, CHROMIUM_PATH: '/nonexistent/chromium', RIDGELINE_APT_GET: 'none' } });
    expect(result.status).not.toBe(0);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output).toContain('npm test needs Chromium for the end-to-end tests and PDF reports: run `sudo apt-get install -y chromium`');
    expect(output).not.toMatch(/typecheck|vitest|FAIL|✓|×/);
  }, 60_000);
});
