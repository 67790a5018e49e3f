/**
 * perfgate's load engine against wrk and autocannon, side by side in one run (issue 17).
 *
 *   npx tsx bench/load-engine.ts [rounds=5] [seconds=5] [targets=node,nginx]
 *
 * Targets: `node`, a trivial Node server (test/fixtures/servers/behaviours.mjs, GET /fast) that
 * competes with the generator for this machine's cores, so a generator's CPU per request shows as
 * the server's lost throughput; and `nginx`, Debian's nginx with one worker serving a 1 KiB static
 * file, which needs far less CPU per request than any generator (not the limit). nginx must be
 * installed (`apt-get install nginx-light` or `nginx`); wrk too (`apt-get install wrk`).
 *
 * Generators, 50 connections each, in a shuffled order per round so that drifts of this noisy
 * machine hit all alike:
 *   wrk              1 thread (its CPU from `times` of the shell that ran it)
 *   autocannon       bare, in this process (no perfgate books)
 *   perfgate-closed  perfgate's engine, closed model, with its HDR histogram and timeline
 *   perfgate-monitored  the same, with perfgate's SUT monitor sampling the server's process tree
 *                    every 100 ms (monitor.interval's default) in this process, as a run does
 *   perfgate-open    perfgate's engine, open model, at 85 % of the closed model's rate in a
 *                    calibration run (just under saturation)
 *   perfgate-templated  the closed model with a {{uuid}} header and a {{seq}} query, rendered per send
 *   autocannon-engine   `engine: autocannon` (the previous engine) through perfgate's books
 *   node-floor       the least any Node client on `net` sockets can do: the same request bytes
 *                    written again each time a whole answer (its size read once beforehand) has
 *                    arrived, through the same `onread` buffer, with no parser, no clock and no books
 * CPU per 1000 requests is the client's user+system time over the requests it completed.
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import autocannon from 'autocannon';
import { requestSchema } from '../src/config/sections/request.js';
import { compileWorkload } from '../src/load/compile.js';
import { targetOf } from '../src/load/http1/connection.js';
import { ResponseParser } from '../src/load/http1/parser.js';
import { requestBytes } from '../src/load/http1/request.js';
import { createLoadRunner } from '../src/load/index.js';
import { ResourceSampler } from '../src/monitor/sampler.js';
import { treePids } from '../src/proc/tree.js';
import { prepareRequest } from '../src/load/mix.js';
import type { LoadModel } from '../src/load/types.js';
import { nginxTarget, nodeTarget, type Target } from './targets.js';

const rounds = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 5);
const targets = (process.argv[4] ?? 'node,nginx').split(',');
const connections = 50;

interface Sample {
  rps: number;
  cpuMsPer1k: number;
}
async function inProcess(fn: () => Promise<number>): Promise<Sample & { requests: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const requests = await fn();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rps: requests / wallS, cpuMsPer1k: ((cpu.user + cpu.system) / 1000 / requests) * 1000, requests };
}

async function perfgate(
  target: Target,
  model: LoadModel,
  engine: 'perfgate' | 'autocannon' = 'perfgate',
  templated = false,
  monitored = false,
) {
  const path = templated ? `${target.path}?n={{seq}}` : target.path;
  const requests = [requestSchema.parse(templated ? { path, headers: { 'x-request-id': '{{uuid}}' } } : { path })];
  const workload = templated ? compileWorkload({ requests, variables: {}, field: 'profiles[0]' }) : undefined;
  let rps = 0;
  const s = await inProcess(async () => {
    const sampler = monitored ? new ResourceSampler(() => treePids(target.pid), 100) : undefined;
    sampler?.start();
    const m = await createLoadRunner(engine).run({
      baseUrl: target.url,
      requests,
      workload,
      model,
      durationMs: seconds * 1000,
      warmupMs: 0,
      timeoutMs: 10_000,
    });
    const samples = sampler?.stop().samples.length;
    if (monitored && !samples) throw new Error(`the monitor took no samples of ${target.name}`);
    rps = m.throughput.rps;
    return m.requests.total;
  });
  return { rps, cpuMsPer1k: s.cpuMsPer1k };
}

/** wrk in a shell that prints its children's CPU times (`times`) after it. */
async function wrk(target: Target): Promise<Sample> {
  const out = await new Promise<string>((resolve) => {
    const p = spawn('bash', ['-c', `wrk -t1 -c${connections} -d${seconds}s ${target.url}${target.path}; times`]);
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.on('close', () => resolve(text));
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  // `times`: the shell's own user/sys, then its children's, as "0m1.234s 0m0.567s".
  const lines = out.trim().split('\n').slice(-2);
  const children = [...(lines[1] ?? '').matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (s, m) => s + Number(m[1]) * 60 + Number(m[2]),
    0,
  );
  return { rps, cpuMsPer1k: ((children * 1000) / total) * 1000 };
}

async function bareAutocannon(target: Target): Promise<Sample> {
  let rps = 0;
  const s = await inProcess(async () => {
    const r = await autocannon({ url: `${target.url}${target.path}`, connections, duration: seconds });
    rps = r.requests.total / r.duration;
    return r.requests.total;
  });
  return { rps, cpuMsPer1k: s.cpuMsPer1k };
}

/** The size of one whole answer to `request` (head and body), read once by perfgate's parser. */
async function answerSize(target: Target, request: Buffer): Promise<number> {
  const url = new URL(target.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(request));
    const parser = new ResponseParser({
      isHeadRequest: () => false,
      onHead: () => false,
      onBody: () => {},
      onComplete: (bytes) => {
        socket.destroy();
        resolve(bytes);
      },
    });
    socket.on('error', reject);
    socket.on('data', (d: Buffer) => parser.execute(d));
  });
}

/**
 * The floor of a Node client: 50 `net` sockets that write the request again whenever a whole
 * answer's worth of bytes has come (answers all have the same size here), nothing else. What
 * perfgate spends above it is its parser, clock and books; what it spends below wrk's is Node's.
 */
async function nodeFloor(target: Target): Promise<Sample> {
  // The bytes perfgate's engine writes for the same request.
  const request = requestBytes(prepareRequest(requestSchema.parse({ path: target.path })), targetOf(target.url));
  const size = await answerSize(target, request);
  const url = new URL(target.url);
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let answered = 0;
  let stopped = false;
  const s = await inProcess(async () => {
    const sockets = Array.from({ length: connections }, () => {
      let pending = 0;
      const socket: net.Socket = net.connect({
        port: Number(url.port),
        host: url.hostname,
        onread: {
          buffer,
          callback: (n: number) => {
            pending += n;
            while (pending >= size) {
              pending -= size;
              answered++;
              if (!stopped) socket.write(request);
            }
            return true;
          },
        },
      });
      socket.setNoDelay(true);
      socket.on('connect', () => socket.write(request));
      socket.on('error', () => {});
      return socket;
    });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    stopped = true;
    for (const socket of sockets) socket.destroy();
    return answered;
  });
  return { rps: s.rps, cpuMsPer1k: s.cpuMsPer1k };
}

if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed: apt-get install wrk');
const closed: LoadModel = { kind: 'closed', connections };
const report: string[] = [];
for (const name of targets) {
  const target = name === 'nginx' ? await nginxTarget() : await nodeTarget();
  // Calibration: the open model's rate is 85 % of what the closed model reaches here.
  const calibration = await perfgate(target, closed);
  const rate = Math.round(calibration.rps * 0.85);
  const open: LoadModel = { kind: 'open', rate, maxInFlight: 10_000, maxConnections: connections };
  const generators: Record<string, () => Promise<Sample>> = {
    wrk: () => wrk(target),
    autocannon: () => bareAutocannon(target),
    'perfgate-closed': () => perfgate(target, closed),
    'perfgate-monitored': () => perfgate(target, closed, 'perfgate', false, true),
    'perfgate-open': () => perfgate(target, open),
    'perfgate-templated': () => perfgate(target, closed, 'perfgate', true),
    'autocannon-engine': () => perfgate(target, closed, 'autocannon'),
    'node-floor': () => nodeFloor(target),
  };
  const results: Record<string, Sample[]> = {};
  console.log(`\n${target.name} (${target.url}${target.path}); open model at ${rate} req/s`);
  for (let round = 1; round <= rounds; round++) {
    for (const g of Object.keys(generators).sort(() => Math.random() - 0.5)) {
      const s = await (generators[g] as () => Promise<Sample>)();
      (results[g] ??= []).push(s);
      console.log(
        `  round ${round} ${g.padEnd(19)} ${Math.round(s.rps)} req/s  ${s.cpuMsPer1k.toFixed(2)} ms CPU / 1000 req`,
      );
    }
  }
  await target.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const wrkRps = results.wrk?.map((s) => s.rps) ?? [];
  const wrkCpuByRound = results.wrk?.map((s) => s.cpuMsPer1k) ?? [];
  report.push(
    '',
    `**${target.name}** (${rounds} rounds × ${seconds} s, 50 connections; perfgate-open at ${rate} req/s)`,
    '',
    '| generator | median req/s | req/s vs wrk | CPU ms / 1000 req | CPU vs wrk |',
    '|---|---:|---:|---:|---:|',
  );
  for (const [g, samples] of Object.entries(results)) {
    const ratio = median(samples.map((s, i) => s.rps / (wrkRps[i] ?? NaN)));
    const cpu = median(samples.map((s) => s.cpuMsPer1k));
    // Both ratios are medians of the per-round ratios: a round's generators ran in the same minute.
    const cpuRatio = median(samples.map((s, i) => s.cpuMsPer1k / (wrkCpuByRound[i] ?? NaN)));
    report.push(
      `| ${g} | ${Math.round(median(samples.map((s) => s.rps))).toLocaleString('en-US')} | ${ratio.toFixed(3)} | ${cpu.toFixed(2)} | ${cpuRatio.toFixed(2)}× |`,
    );
  }
}
console.log(report.join('\n'));
