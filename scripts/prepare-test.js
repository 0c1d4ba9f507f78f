// `npm test`'s first step (the `pretest` script): makes sure of what the tests need beyond npm, before
// any test runs. What is missing is installed from Debian where this process can (root with apt-get,
// as on these machines and in CI), one line each; where it cannot, it stops with one line naming the
// exact command to run.
//
// Environment: CHROMIUM_PATH (the Chromium the tests launch, default /usr/bin/chromium);
// REDIS_SERVER_PATH (the redis-server the queue tests start, default /usr/bin/redis-server);
// RIDGELINE_APT_GET (the apt-get to use; `none` never installs: for tests of this script and for
// machines where nothing should be installed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const redisServer = process.env.REDIS_SERVER_PATH || '/usr/bin/redis-server';

/** What the tests need: how to tell it is there, the Debian package that brings it, and what for. */
const NEEDS = [
  { name: 'Chromium', present: () => existsSync(chromium), pkg: 'chromium', why: 'the end-to-end tests and PDF reports', hint: `or set CHROMIUM_PATH to a Chromium executable; there is none at ${chromium}` },
  { name: 'poppler-utils', present: () => onPath('pdftotext'), pkg: 'poppler-utils', why: 'the checks of PDF reports (pdftotext)' },
  // The queue tests start their own private server on a free loopback port (never the system service).
  { name: 'redis-server', present: () => existsSync(redisServer), pkg: 'redis-server', why: 'the tests of sweeps on several machines (BullMQ on Redis)', hint: `or set REDIS_SERVER_PATH to a redis-server executable; there is none at ${redisServer}` },
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function aptGet() {
  const chosen = process.env.RIDGELINE_APT_GET;
  if (chosen === 'none') return null;
  if (chosen) return chosen;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  return onPath('apt-get') ? 'apt-get' : null;
}

const missing = NEEDS.filter((need) => !need.present());
if (missing.length === 0) process.exit(0);

const apt = aptGet();
const packages = missing.map((need) => need.pkg).join(' ');
if (apt === null) {
  for (const need of missing) {
    console.error(`npm test needs ${need.name} for ${need.why}: run \`sudo apt-get install -y ${need.pkg}\`${need.hint ? ` (${need.hint})` : ''}, then npm test again.`);
  }
  process.exit(1);
}

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const update = spawnSync(apt, ['update', '-qq'], { env, encoding: 'utf8' });
for (const need of missing) {
  console.log(`npm test: installing ${need.pkg} from Debian, for ${need.why}…`);
  const install = update.status === 0 ? spawnSync(apt, ['install', '-y', '-qq', need.pkg], { env, encoding: 'utf8' }) : update;
  if (install.status !== 0 || !need.present()) {
    const said = `${install.stderr ?? ''}\n${install.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
    const reason = said.find((l) => /^E:|error/i.test(l)) ?? said[0] ?? (install.error ? install.error.message : `exit ${install.status}`);
    console.error(`npm test could not install ${need.pkg} (${reason}): run \`sudo apt-get install -y ${packages}\`${need.hint ? ` (${need.hint})` : ''}, then npm test again.`);
    process.exit(1);
  }
}
