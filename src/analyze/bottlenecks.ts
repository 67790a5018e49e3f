/**
 * Bottleneck rules: each a small function over one profile's measurements that returns a
 * finding with its evidence, or nothing. Thresholds and their sources:
 * - event loop: Clinic Doctor flags a median delay ≥ 10 ms or a max ≥ 100 ms.
 * - CPU: a process near a full core (≥ 85 % of one core, the single thread of a Node SUT) cannot
 *   serve more; 85 % leaves room for /proc sampling jitter.
 * - memory: steady growth (linear fit R² ≥ 0.8) of ≥ 30 MiB/min and ≥ 20 MiB in the window, of the
 *   V8 heap, the memory outside it (Buffers) or the RSS, each judged on its own.
 * - I/O: ≥ 50 MiB/s of disk traffic or ≥ 20 % iowait.
 * - network: ≥ 1 % TCP retransmits (machine-wide counters, so judged only for a target off this
 *   machine), listen-queue overflows, or ≥ 1 % of requests refused or reset.
 * - database: statements take ≥ 30 % of the time requests spend, or lock waits, or ≥ 90 % of
 *   max_connections in use.
 * - load generator: perfgate's own client thread ≥ 90 % busy or its event loop lagging ≥ 20 ms.
 * "No bottleneck" is a valid answer: a lightly loaded healthy SUT trips none of them.
 */
import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics';
import type { ProfileResult } from '../model/result.js';
import type { Bottleneck } from '../model/monitor.js';

const MIB = 1024 * 1024;
/** What a rule or a suggestion may know of the run besides the profile. */
export interface RuleContext {
  /** The SUT is on this machine's loopback: machine-wide network counters are not its traffic. */
  loopbackTarget: boolean;
}
type Rule = (p: ProfileResult, ctx: RuleContext) => Bottleneck | undefined;

const pct = (x: number) => `${x.toFixed(0)}%`;
const clamp = (x: number) => Math.max(0.05, Math.min(0.99, x));

/** The SUT's main thread on a CPU or queued for one this share of the window: it never waited for work. */
const RUNNABLE_CPU_BOUND_PERCENT = 90;
/** A process near a full core: the single thread of a Node SUT cannot serve more. */
const CPU_BOUND_PERCENT = 85;

const cpuRule: Rule = (p) => {
  const s = p.resources?.summary;
  const median = s?.cpuPercentMedian;
  if (median === undefined) return undefined;
  const runnable = s?.mainThreadRunnablePercent;
  const queued = s?.mainThreadRunQueuePercent ?? 0;
  // On a runner shared with the load generator a CPU-bound SUT also waits for a CPU, which CPU
  // time does not count: its main thread being runnable nearly all the time says the same thing.
  const starved = median < CPU_BOUND_PERCENT && runnable !== undefined && runnable >= RUNNABLE_CPU_BOUND_PERCENT;
  if (median < CPU_BOUND_PERCENT && !starved) return undefined;
  const evidence = [
    `the SUT used ${pct(median)} of a core (median of ${p.resources?.samples.length ?? 0} samples, p90 ${pct(s?.cpuPercentP90 ?? median)})`,
  ];
  if (starved)
    evidence.push(
      `its main thread was on a CPU or queued for one ${pct(runnable)} of the time (${pct(queued)} queued behind other processes): it always had work and waited only for a CPU`,
    );
  if (s?.systemCpuShare !== undefined) evidence.push(`${pct(s.systemCpuShare * 100)} of it in the kernel`);
  if ((s?.eventLoopDelayP50Ms ?? 0) >= 10)
    evidence.push(
      `event-loop delay median ${(s?.eventLoopDelayP50Ms ?? 0).toFixed(1)} ms: requests wait for the computation ahead of them`,
    );
  const perRequest = cpuMsPerRequest(p);
  if (perRequest !== undefined)
    evidence.push(
      `${perRequest.toFixed(2)} ms of CPU per request (${p.requests.total.toLocaleString('en-US')} requests in ${p.durationSec.toFixed(0)}s)`,
    );
  return {
    kind: 'cpu',
    profile: p.name,
    confidence: clamp(Math.max(median, starved ? (runnable ?? 0) - 10 : 0) / 100),
    evidence,
  };
};

/** The loop busy this share of the window while the process used under LOW_CPU_PERCENT of a core: held, not computing. */
const HELD_LOOP_UTILIZATION = 0.9;
const LOW_CPU_PERCENT = 50;
/** Event-loop delay p99 this long means single long blocks, whatever the CPU (the RAIL model's 50 ms task). */
const LONG_BLOCK_MS = 50;

/**
 * The SUT's CPU time per answered request over the measured window only: the samples of its last
 * `durationSec` seconds (the sampler starts with the warmup), integrated, over the requests that
 * window counted. The median CPU share over the profile's rate (the earlier estimate) read a
 * bcrypt login at 72.5 ms in a load profile and 39.9 ms in a stress ramp, whose rate and CPU
 * change from step to step (issue 16); the same work now reads the same in both.
 */
export function cpuMsPerRequest(p: ProfileResult): number | undefined {
  const samples = p.resources?.samples ?? [];
  const end = samples.at(-1)?.t;
  if (end === undefined || p.requests.total <= 0 || p.durationSec <= 0) return undefined;
  const from = end - p.durationSec;
  let cpuMs = 0;
  let prev: number | undefined;
  for (const s of samples) {
    // Each sample's CPU is its share since the previous one.
    if (prev !== undefined && s.t > from) cpuMs += (s.cpuPercent / 100) * (s.t - Math.max(prev, from)) * 1000;
    prev = s.t;
  }
  return cpuMs > 0 ? cpuMs / p.requests.total : undefined;
}

const eventLoopRule: Rule = (p) => {
  const s = p.resources?.summary;
  if (s?.eventLoopDelayP50Ms === undefined) return undefined;
  const median = s.eventLoopDelayP50Ms;
  const max = s.eventLoopDelayMaxMs ?? 0;
  // Many short holds (3 ms each, back to back) keep the delay under Clinic's 10 ms while the
  // loop serves nothing else: the utilization says so when the CPU does not.
  const held = (s.eventLoopUtilization ?? 0) >= HELD_LOOP_UTILIZATION && (s.cpuPercentMedian ?? 100) < LOW_CPU_PERCENT;
  // A loop delayed because its thread computes flat out is the CPU's finding (which cites the
  // delay), unless single blocks are long: a 60 ms JSON.parse stalls every request behind it.
  const computing = (s.cpuPercentMedian ?? 0) >= CPU_BOUND_PERCENT;
  const longBlocks = (s.eventLoopDelayP99Ms ?? 0) >= LONG_BLOCK_MS;
  if (computing && !longBlocks) return undefined;
  if (median < 10 && max < 100 && !held && !longBlocks) return undefined;
  const evidence = [
    `event-loop delay median ${median.toFixed(1)} ms, max ${max.toFixed(0)} ms (Clinic Doctor flags ≥ 10 ms median or ≥ 100 ms max)`,
  ];
  if (s.eventLoopUtilization !== undefined)
    evidence.push(`event-loop utilization ${pct(s.eventLoopUtilization * 100)}`);
  if (s.cpuPercentMedian !== undefined && s.cpuPercentMedian < 50)
    evidence.push(
      `while the CPU was only ${pct(s.cpuPercentMedian)} busy: something blocks the loop without computing (synchronous I/O, Atomics.wait, execSync)`,
    );
  return { kind: 'event-loop', profile: p.name, confidence: clamp(median >= 10 ? 0.9 : 0.6), evidence };
};

/** Growth of a series in bytes per minute with the fit's R²; undefined for too few points. */
export function growth(points: [number, number][]): { perMin: number; r2: number; total: number } | undefined {
  if (points.length < 5) return undefined;
  const fit = linearRegression(points);
  const r2 = rSquared(points, linearRegressionLine(fit));
  const span = (points.at(-1)?.[0] ?? 0) - (points[0]?.[0] ?? 0);
  return { perMin: fit.m * 60, r2: Number.isFinite(r2) ? r2 : 0, total: fit.m * span };
}

/**
 * Memory: each series the samples have is judged on its own: the V8 heap, the memory outside it
 * (Buffers and ArrayBuffers live there: a server retaining a 200 KB Buffer per request grew
 * 20 MB/s while its heap stayed flat, and the rule that looked only at the heap found nothing:
 * issue 16), and the process tree's RSS. A series that grows steadily (linear fit R² ≥ 0.8) is a
 * leak; a heap that grows and is collected (a sawtooth) fits badly and is not one.
 */
const memoryRule: Rule = (p) => {
  const samples = p.resources?.samples ?? [];
  const series = (pick: (s: (typeof samples)[number]) => number | undefined) =>
    samples.flatMap((s) => {
      const v = pick(s);
      return v === undefined ? [] : [[s.t, v] as [number, number]];
    });
  const candidates = [
    { name: 'V8 heap', points: series((s) => s.heapUsedBytes) },
    { name: 'memory outside the V8 heap (Buffers, ArrayBuffers)', points: series((s) => s.externalBytes) },
    { name: 'RSS', points: series((s) => s.rssBytes) },
  ].filter((c) => c.points.length >= 5 || (c.name === 'RSS' && c.points.length >= 3));
  const grew = candidates.flatMap((c) => {
    const g = growth(c.points);
    return g && g.perMin >= 30 * MIB && g.total >= 20 * MIB && g.r2 >= 0.8 ? [{ name: c.name, g }] : [];
  });
  const first = grew[0];
  if (!first) return gcPressure(p, growth(candidates.find((c) => c.name === 'V8 heap')?.points ?? []));
  return {
    kind: 'memory',
    profile: p.name,
    confidence: clamp(Math.max(...grew.map((x) => x.g.r2))),
    evidence: grew.map(({ name, g }) => {
      const perRequest = p.requests.total > 0 ? g.total / p.requests.total : 0;
      return `${name} grew ${(g.perMin / MIB).toFixed(0)} MiB/min (${(g.total / MIB).toFixed(0)} MiB over the profile, linear fit R² ${g.r2.toFixed(2)})${perRequest > 0 ? `, about ${(perRequest / 1024).toFixed(1)} KiB retained per request` : ''}`;
    }),
  };
};

/** How a GC-pressure finding's evidence begins (the suggestions tell it from a leak by it). */
export const GC_PRESSURE_EVIDENCE = 'garbage collection paused the SUT';

/**
 * GC pauses this many ms per second of the window (a quarter of the main thread) with no steady
 * growth: allocation pressure. Measured: a ring of promoted garbage 550 ms/s; a 19 MB
 * JSON.stringify per request 160 ms/s, whose cause is the long block, not the collector.
 */
const GC_PRESSURE_MS_PER_SEC = 250;

/**
 * Memory saturated without a leak: the collector runs so often that it takes a large share of
 * the main thread, while no series grows steadily (the heap is collected: a sawtooth). The CPU
 * it burns is the symptom; allocating less per request is the remedy.
 */
function gcPressure(p: ProfileResult, heap: ReturnType<typeof growth>): Bottleneck | undefined {
  const s = p.resources?.summary;
  const gc = s?.gcMsPerSec;
  if (gc === undefined || gc < GC_PRESSURE_MS_PER_SEC) return undefined;
  return {
    kind: 'memory',
    profile: p.name,
    confidence: clamp(0.6 + gc / 1000),
    evidence: [
      `${GC_PRESSURE_EVIDENCE} ${gc.toFixed(0)} ms per second (${pct(gc / 10)} of its main thread)`,
      `while no memory series grew steadily${heap ? ` (a straight line explains R² ${heap.r2.toFixed(2)} of the V8 heap's course)` : ''}: the heap is collected, so this is allocation pressure, not a leak`,
      ...(p.requests.total > 0 && s?.cpuPercentMedian !== undefined
        ? [`the SUT used ${pct(s.cpuPercentMedian)} of a core, part of it collecting`]
        : []),
    ],
  };
}

/**
 * A disk with I/O in flight this share of the window, or this many requests queued on average, is
 * busy (USE: utilization, saturation). An fsync per request on this machine's virtio disk read 42–47 %
 * busy with 1.0 queued (every fsync waits for the one before it) and iowait 18–22 %.
 */
const DISK_BUSY_PERCENT = 30;
const DISK_QUEUE_DEPTH = 0.5;
/** The SUT's own disk traffic that ties a busy disk to it (the probe and perfgate write a few KiB/s). */
const SUT_DISK_BYTES_PER_SEC = 1 * MIB;

const ioRule: Rule = (p) => {
  const s = p.resources?.summary;
  if (!s) return undefined;
  const disk = (s.readBytesPerSec ?? 0) + (s.writeBytesPerSec ?? 0);
  const iowait = s.iowaitPercent ?? 0;
  // fsync per request: 5,000 small writes a second and iowait under 20 % in four of five runs
  // (bench/diagnosis): the device's own busy time and queue are the steadier signs.
  const busyDisk =
    ((s.diskBusyPercent ?? 0) >= DISK_BUSY_PERCENT || (s.diskQueueDepth ?? 0) >= DISK_QUEUE_DEPTH) &&
    disk >= SUT_DISK_BYTES_PER_SEC;
  if (disk < 50 * MIB && iowait < 20 && !busyDisk) return undefined;
  const evidence = [
    `the SUT read ${((s.readBytesPerSec ?? 0) / MIB).toFixed(1)} and wrote ${((s.writeBytesPerSec ?? 0) / MIB).toFixed(1)} MiB/s, iowait ${pct(iowait)}`,
  ];
  if (s.diskBusyPercent !== undefined)
    evidence.push(
      `the busiest disk had I/O in flight ${pct(s.diskBusyPercent)} of the window, ${(s.diskQueueDepth ?? 0).toFixed(1)} requests queued on average`,
    );
  return { kind: 'io', profile: p.name, confidence: clamp(iowait >= 20 || busyDisk ? 0.8 : 0.6), evidence };
};

const networkRule: Rule = (p, ctx) => {
  const s = p.resources?.summary ?? {};
  const attempts = p.requests.total || 1;
  const lost = p.errors.byClass.refused + p.errors.byClass.reset;
  const evidence: string[] = [];
  // The retransmit counters are the whole machine's (/proc/net/snmp). Loopback loses no segment
  // except to a full listen queue, which ListenOverflows counts; on a loopback run, retransmits
  // are other traffic of the host (a runner's downloads) and once read "4 % retransmitted" as the
  // SUT's network (issue 15, also seen). Off this machine they are cited, as machine-wide.
  if (!ctx.loopbackTarget && (s.tcpRetransPercent ?? 0) >= 1)
    evidence.push(`${(s.tcpRetransPercent ?? 0).toFixed(1)}% of TCP segments retransmitted (machine-wide)`);
  if ((s.listenOverflows ?? 0) > 0) evidence.push(`the listen queue overflowed ${s.listenOverflows} times`);
  if (lost / attempts >= 0.01) evidence.push(`${lost} requests refused or reset (${pct((lost / attempts) * 100)})`);
  const between = timeBetween(p);
  if (between) evidence.push(between);
  return evidence.length
    ? { kind: 'network', profile: p.name, confidence: clamp(0.5 + 0.15 * evidence.length), evidence }
    : undefined;
};

/** Time between perfgate and the SUT this large (ms, and share of the latency) is the network's. */
const BETWEEN_MIN_MS = 1;
const BETWEEN_MIN_SHARE = 0.3;

/**
 * The time a request spent between perfgate and the SUT: the client's mean latency, less the
 * SUT's own time per request (the probe's 'request' event to the response's end) and the
 * event-loop delay a request waits before that event. Judged only while the SUT's loop was
 * mostly idle and the generator kept up: a busy loop or client queues requests where neither
 * clock sees them, which is not the network.
 */
function timeBetween(p: ProfileResult): string | undefined {
  const s = p.resources?.summary;
  const server = s?.serverTimeMeanMs;
  if (server === undefined || (s?.serverRequests ?? 0) < 20 || p.generator?.saturated) return undefined;
  if ((s?.eventLoopUtilization ?? 1) >= 0.5) return undefined;
  const gap = p.latency.mean - server - (s?.eventLoopDelayP50Ms ?? 0);
  if (gap < BETWEEN_MIN_MS || gap < BETWEEN_MIN_SHARE * p.latency.mean) return undefined;
  return `requests took ${p.latency.mean.toFixed(2)} ms at perfgate but ${server.toFixed(2)} ms inside the SUT (its HTTP server, from the request to the response's end): ${gap.toFixed(2)} ms per request (${pct((gap / p.latency.mean) * 100)}) went between them (network, proxies, the kernel's queues)`;
}

/** The SUT's connections to the database busy this share of the window: requests queue for one. */
const POOL_BUSY_SHARE = 0.85;

/**
 * A connection pool too small for the load: the SUT's connections (every client session but
 * perfgate's own) spent nearly the whole window running statements, so a request waits for a
 * free one even when each statement is fast. Statement time per second of the window, divided
 * by those connections, is each one's utilization (Little's law on the pool).
 */
function poolSaturation(p: ProfileResult, dbMs: number): string | undefined {
  const others = p.resources?.database?.connections.others;
  if (others === undefined || others < 1 || p.durationSec <= 0) return undefined;
  const busy = dbMs / (p.durationSec * 1000) / others;
  if (busy < POOL_BUSY_SHARE) return undefined;
  return `the SUT's ${others} connection${others === 1 ? '' : 's'} to the database ran statements ${pct(Math.min(busy, 1) * 100)} of the time: requests wait for a free connection (the pool is too small for this load, or each statement holds one too long)`;
}

const databaseRule: Rule = (p) => {
  const db = p.resources?.database;
  if (!db) return undefined;
  const dbMs = db.statements.reduce((s, x) => s + x.totalMs, 0);
  const requestMs = p.latency.mean * p.requests.total;
  const share = requestMs > 0 ? dbMs / requestMs : 0;
  const evidence: string[] = [];
  const top = db.statements[0];
  if (share >= 0.3 && top)
    evidence.push(
      `statements took ${pct(share * 100)} of the time requests spent (${(dbMs / 1000).toFixed(1)} s of ${(requestMs / 1000).toFixed(1)} s); slowest in total: ${top.calls} calls, mean ${top.meanMs.toFixed(2)} ms`,
    );
  if (db.lockWaits > 0) evidence.push(`${db.lockWaits} sessions waited on locks`);
  if (db.connections.max > 0 && db.connections.used >= 0.9 * db.connections.max)
    evidence.push(`${db.connections.used} of ${db.connections.max} connections in use`);
  const pool = poolSaturation(p, dbMs);
  if (pool) evidence.push(pool);
  const scan = db.seqScans[0];
  if (evidence.length && scan && scan.seqScans > 0)
    evidence.push(
      `table ${scan.table}: ${scan.seqScans} sequential scans read ${scan.seqRowsRead} rows (${scan.liveRows} live rows)`,
    );
  return evidence.length
    ? { kind: 'database', profile: p.name, confidence: clamp(Math.max(share, 0.6)), evidence }
    : undefined;
};

const loadGeneratorRule: Rule = (p) => {
  const g = p.generator;
  if (!g?.saturated) return undefined;
  return {
    kind: 'load-generator',
    profile: p.name,
    confidence: clamp(Math.max(g.cpuPercent / 100, 0.7)),
    evidence: [...g.evidence, `at ${p.throughput.rps.toFixed(0)} req/s the client, not the SUT, set the pace`],
  };
};

export const RULES: readonly Rule[] = [
  loadGeneratorRule,
  cpuRule,
  eventLoopRule,
  memoryRule,
  databaseRule,
  ioRule,
  networkRule,
];

/**
 * The order findings are shown in, most specific cause first: a closed model drives any SUT to
 * saturate something, and for a Node server that is usually its one core, so `cpu` is the
 * generic symptom and comes last; a leak, a held loop, the database or the disk is the cause
 * behind it when it fires too. Within a kind, higher confidence first.
 */
const SPECIFICITY: readonly Bottleneck['kind'][] = [
  'load-generator',
  'database',
  'memory',
  'event-loop',
  'io',
  'network',
  'cpu',
];

export function rankBottlenecks(found: readonly Bottleneck[]): Bottleneck[] {
  const rank = (b: Bottleneck) => {
    const i = SPECIFICITY.indexOf(b.kind);
    return i < 0 ? SPECIFICITY.length : i;
  };
  return [...found].sort((a, b) => rank(a) - rank(b) || b.confidence - a.confidence);
}

export function classifyBottlenecks(
  profiles: readonly ProfileResult[],
  ctx: RuleContext = { loopbackTarget: true },
): Bottleneck[] {
  return profiles.flatMap((p) =>
    rankBottlenecks(RULES.map((rule) => rule(p, ctx)).filter((b): b is Bottleneck => b !== undefined)),
  );
}
