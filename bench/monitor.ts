/**
 * The monitor's cost and the classifier's accuracy.
 *
 *   npx tsx bench/monitor.ts [repeats=3] [overhead-only]
 *
 * 1. Sampler overhead: perfgate's CPU time while sampling a real SUT tree (sh → node) every
 *    100 ms for 20 s, against the same 20 s without sampling, interleaved; as % of one core.
 * 2. Probe overhead: the SUT's own CPU over 10 s idle with the Node probe at 100 ms vs without.
 * 3. Accuracy: each fixture scenario `repeats` times through `perfgate run`; expected vs found.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../src/cli.js';
import { silentLogger } from '../src/log/logger.js';
import { runResultSchema } from '../src/model/result.js';
import { PROBE_SOURCE } from '../src/monitor/probe-source.js';
import { readTree, ticksToMs } from '../src/proc/counters.js';
import { ResourceSampler } from '../src/monitor/sampler.js';
import { treePids } from '../src/proc/tree.js';
import { freePort } from '../test/helpers/processes.js';

const repeats = Number(process.argv[2] ?? 3);
const fixture = path.resolve('test/fixtures/servers/hotspots.mjs');
const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-bench-monitor-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withSut<T>(env: Record<string, string>, fn: (pid: number) => Promise<T>): Promise<T> {
  const port = await freePort();
  const child = spawn('sh', ['-c', `node ${fixture}`], {
    env: { ...process.env, PORT: String(port), ...env },
    detached: true,
    stdio: 'ignore',
  });
  await sleep(500);
  try {
    return await fn(child.pid as number);
  } finally {
    process.kill(-(child.pid as number), 'SIGKILL');
  }
}

// 1. Sampler overhead.
const overhead = await withSut({}, async (pid) => {
  const rows: { on: number; off: number }[] = [];
  for (let i = 0; i < 3; i++) {
    let c0 = process.cpuUsage();
    await sleep(20_000 / 3);
    const off = process.cpuUsage(c0);
    c0 = process.cpuUsage();
    const sampler = new ResourceSampler(() => treePids(pid), 100);
    sampler.start();
    await sleep(20_000 / 3);
    const samples = sampler.stop().samples.length;
    const on = process.cpuUsage(c0);
    rows.push({ on: (on.user + on.system) / 1000, off: (off.user + off.system) / 1000 });
    if (samples < 50) throw new Error('sampler did not run');
  }
  const on = rows.reduce((s, r) => s + r.on, 0);
  const off = rows.reduce((s, r) => s + r.off, 0);
  return { percent: ((on - off) / 20_000) * 100, on, off };
});
console.log(
  `sampler at 100 ms on a 2-process tree, by process CPU time: ${overhead.percent.toFixed(2)}% of one core (${overhead.on.toFixed(0)} ms CPU sampling vs ${overhead.off.toFixed(0)} ms idle over 20 s; noisy: it includes whatever else this process did)`,
);
// The sampler's work is synchronous, so its cost is also the wall time of a sample: time 1000
// samples (the tree looked up on every 10th, as the sampler does at 100 ms) and scale to 10/s.
const perSample = await withSut({}, async (pid) => {
  let pids = treePids(pid);
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) {
    if (i % 10 === 0) pids = treePids(pid);
    readTree(pids);
  }
  return (performance.now() - t0) / 1000;
});
console.log(
  `sampler cost per sample: ${(perSample * 1000).toFixed(0)} µs → ${((perSample * 10 * 100) / 1000).toFixed(2)}% of one core at 100 ms`,
);

if (process.argv[3] === 'overhead-only') process.exit(0);
// 2. Probe overhead inside the SUT.
const probePath = path.join(dir, 'probe.cjs');
await writeFile(probePath, PROBE_SOURCE);
const sutCpu = async (env: Record<string, string>) =>
  withSut(env, async (pid) => {
    const a = readTree(treePids(pid));
    await sleep(10_000);
    return ticksToMs(readTree(treePids(pid)).cpuTicks - a.cpuTicks);
  });
const withProbe = await sutCpu({
  NODE_OPTIONS: `--require ${probePath}`,
  PERFGATE_PROBE_FILE: path.join(dir, 'probe.jsonl'),
  PERFGATE_PROBE_INTERVAL: '100',
});
const without = await sutCpu({});
console.log(
  `Node probe at 100 ms in an idle SUT: ${(((withProbe - without) / 10_000) * 100).toFixed(2)}% of one core (${withProbe} vs ${without} ms CPU over 10 s)`,
);

// 3. Classification accuracy.
const canned = path.resolve('test/fixtures/servers/canned.mjs');
// `expected` lists what counts as correct: a Node HTTP server costs about as much per request as
// perfgate's Node client, so under 64 connections either one may be the limit (or both).
const scenarios = [
  {
    name: 'CPU-bound handler',
    profile: '{ name: p, kind: load, duration: 3s, connections: 8, requests: [{ path: /cpu }] }',
    expected: 'cpu',
  },
  {
    name: 'synchronous blocking call',
    profile: '{ name: p, kind: load, duration: 3s, connections: 4, requests: [{ path: /block }] }',
    expected: 'event-loop',
  },
  {
    name: 'memory retained per request',
    profile: '{ name: p, kind: load, duration: 3s, connections: 4, requests: [{ path: /leak }] }',
    expected: 'memory',
  },
  {
    // Pipelined, as in test/monitor/bottlenecks.test.ts: the canned server answers 8 requests per
    // read and write while perfgate still handles each (without it, perfgate's cheaper client of
    // 2026-11-28 and this server could tie).
    name: 'canned-answer server, 64 connections, pipelining 8',
    profile: '{ name: p, kind: load, duration: 3s, connections: 64, pipelining: 8, requests: [{ path: /fast }] }',
    expected: 'load-generator',
    server: canned,
  },
  {
    name: 'trivial Node server, 64 connections',
    profile: '{ name: p, kind: load, duration: 3s, connections: 64, requests: [{ path: /fast }] }',
    expected: 'load-generator|cpu',
  },
  {
    name: 'healthy, 50 req/s',
    profile: '{ name: p, kind: load, duration: 3s, rate: 50, requests: [{ path: /fast }] }',
    expected: 'none',
  },
];
console.log(
  '\n| scenario | expected | found (per run) | correct | client CPU % / on a CPU or queued % | SUT CPU median % / main thread on a CPU or queued % |\n|---|---|---|---:|---|---|',
);
const range = (xs: (number | undefined)[]) => {
  const v = xs.filter((x): x is number => x !== undefined);
  return v.length ? `${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}` : 'n/a';
};
for (const s of scenarios) {
  const found: string[] = [];
  const client: { cpu?: number; runnable?: number }[] = [];
  const sut: { cpu?: number; runnable?: number }[] = [];
  for (let i = 0; i < repeats; i++) {
    const port = await freePort();
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      `version: 1\nsut:\n  command: node ${s.server ?? fixture}\n  env: { PORT: "${port}" }\n  url: http://127.0.0.1:${port}\n  ready: { path: /health }\nprofiles:\n  - ${s.profile}\n`,
    );
    await main(['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out'), '--no-html'], {
      stdout: () => {},
      logger: silentLogger,
      cwd: dir,
    });
    const r = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')));
    found.push(r.bottlenecks.map((b) => b.kind).join('+') || 'none');
    const p = r.profiles[0];
    client.push({ cpu: p?.generator?.cpuPercent, runnable: p?.generator?.runnablePercent });
    sut.push({
      cpu: p?.resources?.summary.cpuPercentMedian,
      runnable: p?.resources?.summary.mainThreadRunnablePercent,
    });
  }
  const correct = found.filter((f) =>
    s.expected === 'none' ? f === 'none' : s.expected.split('|').some((k) => f.split('+').includes(k)),
  ).length;
  console.log(
    `| ${s.name} | ${s.expected} | ${found.join(', ')} | ${correct}/${repeats} | ${range(client.map((c) => c.cpu))} / ${range(client.map((c) => c.runnable))} | ${range(sut.map((c) => c.cpu))} / ${range(sut.map((c) => c.runnable))} |`,
  );
}
await rm(dir, { recursive: true, force: true });
