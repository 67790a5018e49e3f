/**
 * `npm test`'s pretest, and the first step of .ci/run: the suite boots real PostgreSQL,
 * Prometheus, JMeter and Chromium from Debian's packages, so a fresh machine must have them
 * before the first test. Reads .ci/apt-packages, asks dpkg which are missing, and installs them
 * when it can (root with apt-get); otherwise it stops at once with the command to run, rather
 * than letting three test files fail minutes later on "not found".
 *
 * Runs before `npm ci`, so it uses Node's built-ins only. With everything installed it is one
 * dpkg-query call (~70 ms with Node's start) and prints nothing. PERFGATE_SKIP_PRETEST=1 skips
 * the check (a machine that has the tools under other package names).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LIST = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.ci', 'apt-packages');
// Debian starts these on install where it can; the tests start their own on free ports.
const SERVICES = ['postgresql', 'prometheus', 'prometheus-pushgateway'];

function wantedPackages() {
  return readFileSync(LIST, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** Packages dpkg does not know as installed. One dpkg call for all: it prints a status per package. */
function missingPackages(packages) {
  if (!onPath('dpkg-query')) return packages;
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${db:Status-Status}\n', ...packages], { encoding: 'utf8' });
  const installed = new Set(
    (r.stdout ?? '')
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([, status]) => status === 'installed')
      .map(([name]) => name),
  );
  return packages.filter((p) => !installed.has(p));
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  const r = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error(`${[command, ...args].join(' ')} exited with ${r.status ?? r.signal}`);
}

if (process.env.PERFGATE_SKIP_PRETEST) process.exit(0);
const missing = missingPackages(wantedPackages());
if (missing.length === 0) process.exit(0);

const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
if (process.getuid?.() !== 0 || !onPath('apt-get')) {
  const how = onPath('apt-get')
    ? `run: sudo apt-get update && sudo ${command}`
    : "install them with your package manager (these are Debian's names)";
  console.error(
    `pretest: the tests need packages that are missing: ${missing.join(' ')}; ${how} (or set PERFGATE_SKIP_PRETEST=1 to run the tests anyway)`,
  );
  process.exit(1);
}

console.error(`pretest: installing ${missing.join(' ')} (from .ci/apt-packages)`);
try {
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
} catch (e) {
  console.error(`pretest: ${e.message}; install them yourself: ${command}`);
  process.exit(1);
}
for (const service of SERVICES) spawnSync('service', [service, 'stop'], { stdio: 'ignore' });
const still = missingPackages(missing);
if (still.length) {
  console.error(`pretest: still missing after apt-get install: ${still.join(' ')}`);
  process.exit(1);
}
