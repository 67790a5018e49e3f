/**
 * The aggregates of one profile's window (resources.summary): what the sampler read, summed up
 * by source (CPU, disk, footprint, system counters, the Node probe, the main thread's scheduler
 * shares), each key a typed field of ResourceSummary (src/model/monitor.ts).
 */
import { linearRegression, median, quantile } from 'simple-statistics';
import type { ResourceSummary, Resources } from '../model/monitor.js';
import { ticksToMs, type ProcessCounters, type SchedShares, type SystemCounters } from '../proc/counters.js';

/** One line of the Node probe inside the SUT (monitor/probe-source.ts), as the sampler reads it. */
export interface ProbeLine {
  pid: number;
  ts: number;
  /** Event-loop delay samples in the interval; 0 when the loop never reached its timer (absent from older probes). */
  eldN?: number;
  eldP50: number;
  eldP99: number;
  eldMax: number;
  elu: number;
  gcMs: number;
  heapUsed: number;
  rss: number;
  /** Memory outside the V8 heap held by JavaScript objects (Buffers, ArrayBuffers, native objects); includes arrayBuffers. Absent from older probes. */
  external?: number;
  arrayBuffers?: number;
  /** ms the SUT's HTTP servers spent on the requests that finished in the interval, and how many. Absent from older probes. */
  srvMs?: number;
  srvN?: number;
}

type Sample = Resources['samples'][number];

/** A reduce, not Math.max(...items): spreading 125,000+ arguments overflows the call stack. */
const maxOf = <T>(items: readonly T[], value: (item: T) => number) =>
  items.reduce((max, item) => Math.max(max, value(item)), -Infinity);

const perMinute = (points: [number, number][]) => (points.length >= 3 ? linearRegression(points).m * 60 : 0);

/** Counters read at the window's start and end. */
interface Span<T> {
  start: T;
  end: T;
}

/** Everything one window left behind; each source is absent when it could not be read. */
export interface SummaryInput {
  /** Logical CPUs of the machine. */
  cores: number;
  /** Length of the window, s. */
  seconds: number;
  samples: readonly Sample[];
  /** The Node probe's lines of the SUT's process (empty without the probe). */
  probe: readonly ProbeLine[];
  /** The tree's /proc counters at start() and at the last sample. */
  tree?: Span<ProcessCounters>;
  /** Machine-wide CPU and TCP counters at start() and stop(). */
  system?: Span<SystemCounters>;
  /** The busiest main thread's shares of the window (schedstat). */
  mainThread?: SchedShares;
}

export function summarize(input: SummaryInput): ResourceSummary {
  return {
    cores: input.cores,
    ...cpuSummary(input.samples, input.tree, input.seconds),
    ...diskSummary(input.tree, input.seconds),
    ...footprintSummary(input.samples, input.tree),
    ...systemSummary(input.system, input.seconds),
    ...probeSummary(input.probe, input.seconds),
    ...mainThreadSummary(input.mainThread),
  };
}

/** Percentiles come from the samples; the mean from the counters, so that it covers the whole window. */
function cpuSummary(
  samples: readonly Sample[],
  tree: Span<ProcessCounters> | undefined,
  seconds: number,
): ResourceSummary {
  const cpu = samples.map((s) => s.cpuPercent);
  const out: ResourceSummary = cpu.length ? { cpuPercentMedian: median(cpu), cpuPercentP90: quantile(cpu, 0.9) } : {};
  if (!tree) return out;
  const busy = tree.end.cpuTicks - tree.start.cpuTicks;
  return {
    ...out,
    cpuPercentMean: (ticksToMs(busy) / (seconds * 1000)) * 100,
    systemCpuShare: busy > 0 ? (tree.end.systemTicks - tree.start.systemTicks) / busy : 0,
    ctxSwitchesPerSec: (tree.end.ctxSwitches - tree.start.ctxSwitches) / seconds,
  };
}

/** A process that leaves the tree takes its bytes with it, so the difference can go negative. */
function diskSummary(tree: Span<ProcessCounters> | undefined, seconds: number): ResourceSummary {
  if (!tree) return {};
  return {
    readBytesPerSec: Math.max(0, tree.end.readBytes - tree.start.readBytes) / seconds,
    writeBytesPerSec: Math.max(0, tree.end.writeBytes - tree.start.writeBytes) / seconds,
  };
}

/** What the tree holds: memory, file descriptors, threads. */
function footprintSummary(samples: readonly Sample[], tree: Span<ProcessCounters> | undefined): ResourceSummary {
  const out: ResourceSummary = tree ? { rssStartBytes: tree.start.rssBytes } : {};
  if (!samples.length) return out;
  return {
    ...out,
    rssEndBytes: samples.at(-1)?.rssBytes ?? 0,
    rssMaxBytes: maxOf(samples, (s) => s.rssBytes),
    rssGrowthBytesPerMin: perMinute(samples.map((s) => [s.t, s.rssBytes])),
    fdsMax: maxOf(samples, (s) => s.fds ?? 0),
    threadsMax: maxOf(samples, (s) => s.threads ?? 0),
  };
}

function systemSummary(system: Span<SystemCounters> | undefined, seconds: number): ResourceSummary {
  if (!system) return {};
  const { start, end } = system;
  const total = Math.max(1, end.total - start.total);
  const segs = end.outSegs - start.outSegs;
  return {
    stealPercent: ((end.steal - start.steal) / total) * 100,
    iowaitPercent: ((end.iowait - start.iowait) / total) * 100,
    tcpRetransPercent: segs > 0 ? ((end.retransSegs - start.retransSegs) / segs) * 100 : 0,
    listenOverflows: end.listenOverflows - start.listenOverflows,
    ...busiestDisk(start, end, seconds),
  };
}

/** The busiest disk over the window: % of the time it had I/O in flight, and its average queue. */
function busiestDisk(start: SystemCounters, end: SystemCounters, seconds: number): ResourceSummary {
  let best: ResourceSummary | undefined;
  for (const [name, e] of Object.entries(end.disks ?? {})) {
    const s = start.disks?.[name];
    if (!s) continue;
    const busy = Math.min(100, ((e.busyMs - s.busyMs) / (seconds * 1000)) * 100);
    if (!best || busy > (best.diskBusyPercent ?? 0))
      best = { diskBusyPercent: busy, diskQueueDepth: (e.weightedMs - s.weightedMs) / (seconds * 1000) };
  }
  return best ?? {};
}

function probeSummary(probe: readonly ProbeLine[], seconds: number): ResourceSummary {
  if (!probe.length) return {};
  const t0 = probe[0]?.ts ?? 0;
  // An interval in which the loop never reached the delay timer has no delay to report (its
  // percentiles read 0): a loop held 45 ms per request, four requests per turn, left most
  // intervals empty and read a median delay of 0 ms beside a 171 ms maximum (bench/diagnosis).
  const timed = probe.filter((p) => p.eldN === undefined || p.eldN > 0);
  const eld = timed.length ? timed : probe;
  return {
    eventLoopDelayP50Ms: median(eld.map((p) => p.eldP50)),
    eventLoopDelayP99Ms: median(eld.map((p) => p.eldP99)),
    eventLoopDelayMaxMs: maxOf(probe, (p) => p.eldMax),
    eventLoopUtilization: probe.reduce((s, p) => s + p.elu, 0) / probe.length,
    gcMsPerSec: probe.reduce((s, p) => s + p.gcMs, 0) / seconds,
    heapGrowthBytesPerMin: perMinute(probe.map((p) => [(p.ts - t0) / 1000, p.heapUsed])),
    heapEndBytes: probe.at(-1)?.heapUsed ?? 0,
    ...serverTime(probe),
  };
}

/** Mean time the SUT's HTTP servers spent per request over the window, when the probe timed any. */
function serverTime(probe: readonly ProbeLine[]): ResourceSummary {
  const n = probe.reduce((s, p) => s + (p.srvN ?? 0), 0);
  return n > 0 ? { serverTimeMeanMs: probe.reduce((s, p) => s + (p.srvMs ?? 0), 0) / n, serverRequests: n } : {};
}

function mainThreadSummary(shares: SchedShares | undefined): ResourceSummary {
  return shares
    ? { mainThreadRunnablePercent: shares.runnablePercent, mainThreadRunQueuePercent: shares.queuedPercent }
    : {};
}
