/**
 * perfgate's load engine at another commit against this tree's, side by side in the same minutes:
 * what a change to the engine saved, measured where this noisy machine lets it show.
 *
 *   npx tsx bench/engine-before-after.ts <commit> [rounds=5] [seconds=3]
 *
 * The commit is checked out in a temporary git worktree (this tree's node_modules linked in). For
 * each load below, every round runs the commit's engine and this tree's, one after the other in
 * an order that alternates by round, each in a fresh process that runs the profile twice and
 * reports the second (the JIT warm): client CPU per request from `process.cpuUsage()` around it,
 * and the rate answered and p50. Medians over the rounds. The servers (bench/targets.ts) are
 * started once and shared; nginx must be installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nginxTarget, nodeTarget, type Target } from './targets.js';

interface Reading {
  rps: number;
  cpuUsPerRequest: number;
  p50Ms: number;
}

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--run') {
  // A child: one engine (the tree at `root`), one load, printed as JSON.
  const [root = '.', url = '', target = '/', kind = 'closed', rate = '0', seconds = '3'] = process.argv.slice(3);
  const src = (file: string) => pathToFileURL(path.join(root, 'src', file)).href;
  const { requestSchema } = (await import(
    src('config/sections/request.ts')
  )) as typeof import('../src/config/sections/request.js');
  const { createLoadRunner } = (await import(src('load/index.ts'))) as typeof import('../src/load/index.js');
  const requests = [requestSchema.parse({ path: target })];
  const model =
    kind === 'open'
      ? { kind: 'open' as const, rate: Number(rate), maxInFlight: 10_000, maxConnections: 50 }
      : { kind: 'closed' as const, connections: 50 };
  let reading: Reading | undefined;
  for (let run = 0; run < 2; run++) {
    const cpu0 = process.cpuUsage();
    const m = await createLoadRunner('perfgate').run({
      baseUrl: url,
      requests,
      model,
      durationMs: Number(seconds) * 1000,
      warmupMs: 0,
      timeoutMs: 10_000,
    });
    const cpu = process.cpuUsage(cpu0);
    reading = {
      rps: m.throughput.rps,
      cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, m.requests.total),
      p50Ms: m.latency.p50,
    };
  }
  console.log(JSON.stringify(reading));
  process.exit(0);
}

const [commit, roundsArg = '5', secondsArg = '3'] = process.argv.slice(2);
if (!commit) throw new Error('usage: npx tsx bench/engine-before-after.ts <commit> [rounds=5] [seconds=3]');
const rounds = Number(roundsArg);
const here = path.resolve(path.dirname(self), '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-before-'));
const before = path.join(dir, 'tree');
const git = (...args: string[]) => {
  const r = spawnSync('git', args, { cwd: here, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
};
git('worktree', 'add', '--detach', before, commit);
symlinkSync(path.join(here, 'node_modules'), path.join(before, 'node_modules'));

/** One engine on one load, in its own process. */
function measure(root: string, target: Target, kind: string, rate: number): Reading {
  const args = ['--import', 'tsx', self, '--run', root, target.url, target.path, kind, String(rate), secondsArg];
  const r = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`the ${root} engine failed: ${r.stderr.slice(-500)}`);
  return JSON.parse(line) as Reading;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const rows = [
  '| load | before µs / request | after µs / request | change | before p50 ms | after p50 ms |',
  '|---|---:|---:|---:|---:|---:|',
];
const servers = { nginx: await nginxTarget(), node: await nodeTarget() };
try {
  for (const [name, kind, rate] of [
    ['nginx', 'closed', 0],
    ['nginx', 'open', 80_000],
    ['node', 'closed', 0],
    ['node', 'open', 45_000],
  ] as const) {
    const target = servers[name];
    const readings: Record<'before' | 'after', Reading[]> = { before: [], after: [] };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
      for (const side of order) {
        const r = measure(side === 'before' ? before : here, target, kind, rate);
        readings[side].push(r);
        console.log(
          `  ${name} ${kind}${rate ? ` ${rate}/s` : ''} round ${round + 1} ${side.padEnd(6)} ${Math.round(r.rps)} req/s  ${r.cpuUsPerRequest.toFixed(2)} µs/request  p50 ${r.p50Ms} ms`,
        );
      }
    }
    const cpu = (side: 'before' | 'after') => median(readings[side].map((r) => r.cpuUsPerRequest));
    const p50 = (side: 'before' | 'after') => median(readings[side].map((r) => r.p50Ms));
    rows.push(
      `| ${kind}${rate ? ` at ${rate.toLocaleString('en-US')}/s` : ''}, ${name} | ${cpu('before').toFixed(2)} | ${cpu('after').toFixed(2)} | ${(((cpu('after') - cpu('before')) / cpu('before')) * 100).toFixed(1)} % | ${p50('before').toFixed(3)} | ${p50('after').toFixed(3)} |`,
    );
  }
} finally {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  git('worktree', 'remove', '--force', before);
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\n${commit} (before) against this tree (after), ${rounds} rounds of ${secondsArg} s, medians:\n`);
console.log(rows.join('\n'));
