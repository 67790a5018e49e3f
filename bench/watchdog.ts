/**
 * The SUT watchdog's cost (src/sut/watchdog.ts).
 *
 *   npx tsx bench/watchdog.ts [rounds=20]
 *   /path/to/node24 --import tsx bench/watchdog.ts      (the watchdog runs on process.execPath)
 *
 * 1. What perfgate pays on its own path: the synchronous spawn() call, before the SUT's spawn.
 * 2. Startup: spawn → exit of a watchdog released at once (Node boots, reads `release`, exits).
 * 3. Memory of an armed, idle watchdog: VmRSS and RssAnon (its private part; the rest is the
 *    node binary's pages, shared with perfgate) from /proc/<pid>/status.
 * 4. What stop() waits for: release → exit of a booted watchdog.
 * 5. Reaction: a stand-in perfgate (this file with `--stand-in`) starts a watchdog and a SUT group
 *    that exits on SIGTERM; the stand-in is killed with SIGKILL; time until the group has no
 *    live member.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { startWatchdog } from '../src/sut/watchdog.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const statusKb = (pid: number, field: string) =>
  Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

/** Live (not zombie) members of process group `pgid`. */
function groupMembers(pgid: number): number {
  let n = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] !== 'Z' && Number(rest[3]) === pgid) n++;
    } catch {
      // Gone meanwhile.
    }
  }
  return n;
}

if (process.argv.includes('--stand-in')) {
  const watchdog = startWatchdog();
  const sut = spawn('sh', ['-c', 'sleep 60 & sleep 60; wait'], { detached: true, stdio: 'ignore' });
  watchdog.watch(sut.pid as number, 2000);
  process.stdout.write(JSON.stringify({ sut: sut.pid, watchdog: watchdog.pid }) + '\n');
  setInterval(() => {}, 60_000);
} else {
  const rounds = Number(process.argv[2] ?? 20);
  const spawnMs: number[] = [];
  const startupMs: number[] = [];
  const rss: number[] = [];
  const anon: number[] = [];
  const releaseMs: number[] = [];
  const reactionMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    const w = startWatchdog();
    spawnMs.push(performance.now() - t0);
    w.release();
    await w.exited(5000);
    startupMs.push(performance.now() - t0);

    const armed = startWatchdog();
    armed.watch(2 ** 22 + 1, 0); // a group ID above pid_max: never signalled, and released below
    await sleep(300);
    rss.push(statusKb(armed.pid as number, 'VmRSS'));
    anon.push(statusKb(armed.pid as number, 'RssAnon'));
    t0 = performance.now();
    armed.release();
    await armed.exited(5000);
    releaseMs.push(performance.now() - t0);

    const standIn = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, '--stand-in'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((r) => standIn.stdout.once('data', (d: Buffer) => r(d.toString())));
    const { sut } = JSON.parse(line) as { sut: number };
    await sleep(200);
    t0 = performance.now();
    standIn.kill('SIGKILL');
    while (groupMembers(sut) > 0 && performance.now() - t0 < 10_000) await sleep(5);
    reactionMs.push(performance.now() - t0);
  }
  const f = (x: number) => x.toFixed(1);
  console.log(`node ${process.version}, ${rounds} rounds, medians (min–max)`);
  const row = (name: string, xs: number[], unit: string) =>
    console.log(`${name}: ${f(median(xs))} ${unit} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`);
  row('spawn() call in perfgate', spawnMs, 'ms');
  row('startup (spawn → exit when released at once)', startupMs, 'ms');
  row(
    'armed idle VmRSS',
    rss.map((k) => k / 1024),
    'MiB',
  );
  row(
    'armed idle RssAnon (private)',
    anon.map((k) => k / 1024),
    'MiB',
  );
  row('stop() waits (release → exit, booted)', releaseMs, 'ms');
  row('reaction (perfgate SIGKILL → SUT group gone)', reactionMs, 'ms');
}
