/**
 * perfgate's load engine against raw autocannon and wrk on the same server, in one run.
 *
 *   npx tsx bench/load-engine.ts [rounds=3] [seconds=8] [path=/cpu?ms=0.2]
 *
 * The server (test/fixtures/servers/behaviours.mjs) runs in its own process. With the default
 * path it spends 0.2 ms of CPU per request, so the server is the limit (~4k req/s) and the
 * generators have slack; with /fast the generator is the limit (each burns a core). Each
 * round runs the three generators one after the other in a shuffled order, 50 connections each,
 * so that drifts of this noisy machine hit all three alike. Prints per-round req/s, the median
 * ratio perfgate / autocannon and perfgate / wrk, and perfgate's CPU cost (its client thread's
 * CPU time per 1000 requests against autocannon's, both measured in this process), with and
 * without templates in the request (issue 13: a request without templates must cost what it did).
 */
import { spawn, spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { requestSchema } from '../src/config/sections/request.js';
import { compileWorkload } from '../src/load/compile.js';
import { createLoadRunner } from '../src/load/index.js';
import { startFixture } from '../test/helpers/servers.js';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 8);
const connections = 50;
const server = await startFixture('behaviours.mjs');
const path = process.argv[4] ?? '/cpu?ms=0.2';
const url = `${server.url}${path}`;
const hasWrk = spawnSync('wrk', ['--version']).error === undefined;

type Sample = { rps: number; cpuMsPer1k?: number };
const results: Record<string, Sample[]> = { perfgate: [], 'perfgate-templated': [], autocannon: [], wrk: [] };

async function measureCpu<T extends { requests: number }>(fn: () => Promise<T>): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rps: r.requests / wall, cpuMsPer1k: ((cpu.user + cpu.system) / 1000 / r.requests) * 1000 };
}

const generators: Record<string, () => Promise<Sample>> = {
  perfgate: async () => {
    const runner = createLoadRunner();
    let measured = 0;
    const s = await measureCpu(async () => {
      const m = await runner.run({
        baseUrl: server.url,
        requests: [requestSchema.parse({ path })],
        model: { kind: 'closed', connections },
        durationMs: seconds * 1000,
        warmupMs: 0,
        timeoutMs: 10_000,
      });
      measured = m.throughput.rps;
      return { requests: m.requests.total };
    });
    return { rps: measured, cpuMsPer1k: s.cpuMsPer1k };
  },
  // The same request with templates (a {{uuid}} header and a {{seq}} query): rendered per send.
  'perfgate-templated': async () => {
    const runner = createLoadRunner();
    const requests = [
      requestSchema.parse({
        path: `${path}${path.includes('?') ? '&' : '?'}n={{seq}}`,
        headers: { 'x-request-id': '{{uuid}}' },
      }),
    ];
    const workload = compileWorkload({ requests, variables: {}, field: 'profiles[0]' });
    let measured = 0;
    const s = await measureCpu(async () => {
      const m = await runner.run({
        baseUrl: server.url,
        requests,
        workload,
        model: { kind: 'closed', connections },
        durationMs: seconds * 1000,
        warmupMs: 0,
        timeoutMs: 10_000,
      });
      measured = m.throughput.rps;
      return { requests: m.requests.total };
    });
    return { rps: measured, cpuMsPer1k: s.cpuMsPer1k };
  },
  autocannon: async () => {
    let rps = 0;
    const s = await measureCpu(async () => {
      const r = await autocannon({ url, connections, duration: seconds });
      rps = r.requests.total / r.duration;
      return { requests: r.requests.total };
    });
    return { rps, cpuMsPer1k: s.cpuMsPer1k };
  },
  wrk: async () => {
    const out = await new Promise<string>((resolve) => {
      const p = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url]);
      let text = '';
      p.stdout.on('data', (d: Buffer) => (text += d.toString()));
      p.on('close', () => resolve(text));
    });
    return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0) };
  },
};

for (let round = 1; round <= rounds; round++) {
  const order = Object.keys(generators)
    .filter((g) => g !== 'wrk' || hasWrk)
    .sort(() => Math.random() - 0.5);
  for (const g of order) {
    const s = await (generators[g] as () => Promise<Sample>)();
    results[g]?.push(s);
    console.log(
      `round ${round} ${g.padEnd(10)} ${Math.round(s.rps)} req/s${s.cpuMsPer1k ? `  ${s.cpuMsPer1k.toFixed(1)} ms CPU / 1000 req` : ''}`,
    );
  }
}
await server.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ratios = (a: string, b: string) => (results[a] ?? []).map((s, i) => s.rps / (results[b]?.[i]?.rps ?? NaN));
console.log(
  `\nmedian perfgate / autocannon throughput: ${median(ratios('perfgate', 'autocannon')).toFixed(3)} (per round: ${ratios(
    'perfgate',
    'autocannon',
  )
    .map((r) => r.toFixed(3))
    .join(', ')})`,
);
if (hasWrk) console.log(`median perfgate / wrk throughput: ${median(ratios('perfgate', 'wrk')).toFixed(3)}`);
const cpu = (g: string) => median((results[g] ?? []).map((s) => s.cpuMsPer1k ?? NaN));
console.log(
  `client CPU per 1000 requests: perfgate ${cpu('perfgate').toFixed(1)} ms, autocannon ${cpu('autocannon').toFixed(1)} ms (ratio ${(cpu('perfgate') / cpu('autocannon')).toFixed(2)})`,
);
console.log(
  `with templates ({{uuid}} header, {{seq}} query): ${cpu('perfgate-templated').toFixed(1)} ms per 1000 requests (ratio to none ${(cpu('perfgate-templated') / cpu('perfgate')).toFixed(2)})`,
);
