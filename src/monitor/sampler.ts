/**
 * Samples a process tree at a fixed interval during one profile and sums it up: /proc counters
 * into per-interval rates, the Node probe's lines (when the SUT has it) merged in by time, and
 * the window into one typed ResourceSummary (`summarize`, one small function per source; the
 * fields and their units are documented in src/model/monitor.ts).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { linearRegression, median, quantile } from 'simple-statistics';
import type { ResourceSummary, Resources } from '../model/monitor.js';
import { readSchedStat, readSystem, readTree, schedShares, ticksToMs, type ProcessCounters, type SchedShares, type SchedStat, type SystemCounters } from '../proc/counters.js';

export interface ProbeLine {
  pid: number;
  ts: number;
  eldP50: number;
  eldP99: number;
  eldMax: number;
  elu: number;
  gcMs: number;
  heapUsed: number;
  rss: number;
}

type Sample = Resources['samples'][number];

export class ResourceSampler {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private t0 = 0;
  private wall0 = 0;
  private first: ProcessCounters | undefined;
  private last: ProcessCounters | undefined;
  private lastAt = 0;
  private sys0: SystemCounters | undefined;
  private pidCache: number[] = [];
  private pidAge = Infinity;
  /** Each process's main thread at the start, for its run-queue share over the whole window. */
  private sched0 = new Map<number, SchedStat>();

  constructor(
    private readonly pids: () => number[],
    private readonly intervalMs: number,
    private readonly probeFile?: string,
  ) {}

  start(): void {
    this.t0 = performance.now();
    this.wall0 = Date.now();
    const pids = this.treePids();
    this.first = this.last = readTree(pids);
    for (const pid of pids) {
      const st = readSchedStat(pid);
      if (st) this.sched0.set(pid, st);
    }
    this.lastAt = this.t0;
    this.sys0 = readSystem();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * Finding the tree means reading every process's stat file: the expensive part of a sample.
   * The tree rarely changes during a profile, so it is looked up once a second, not every sample.
   */
  private treePids(): number[] {
    if (this.pidAge * this.intervalMs >= 1000) {
      this.pidCache = this.pids();
      this.pidAge = 0;
    }
    this.pidAge++;
    return this.pidCache;
  }

  private sample(): void {
    const now = performance.now();
    const c = readTree(this.treePids());
    const prev = this.last ?? c;
    const dt = Math.max(1, now - this.lastAt);
    this.samples.push({
      t: (now - this.t0) / 1000,
      cpuPercent: Math.max(0, (ticksToMs(c.cpuTicks - prev.cpuTicks) / dt) * 100),
      rssBytes: c.rssBytes,
      readBytesPerSec: Math.max(0, ((c.readBytes - prev.readBytes) / dt) * 1000),
      writeBytesPerSec: Math.max(0, ((c.writeBytes - prev.writeBytes) / dt) * 1000),
      fds: c.fds,
      threads: c.threads,
    });
    this.last = c;
    this.lastAt = now;
  }

  /** The highest RSS and descriptor count sampled so far, while sampling goes on (a stress ramp's peak). */
  peak(): Required<Pick<ResourceSummary, 'rssMaxBytes' | 'fdsMax'>> {
    return { rssMaxBytes: Math.max(0, ...this.samples.map((s) => s.rssBytes)), fdsMax: Math.max(0, ...this.samples.map((s) => s.fds ?? 0)) };
  }

  stop(): Resources {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const end = performance.now();
    const seconds = Math.max(0.001, (end - this.t0) / 1000);
    const probe = readProbeLines(this.probeFile, this.wall0, Date.now());
    mergeProbe(this.samples, probe, this.wall0);
    const summary = summarize({
      cores: os.cpus().length,
      seconds,
      samples: this.samples,
      probe,
      tree: this.first && this.last && { start: this.first, end: this.last },
      system: this.sys0 && { start: this.sys0, end: readSystem() },
      mainThread: busiestMainThread(this.sched0, seconds),
    });
    return { samples: this.samples, summary };
  }
}

/**
 * The busiest main thread of the tree (a Node server's JavaScript thread): the share of the
 * window it was on a CPU or queued for one, and the queued part. A CPU-bound server on a machine
 * it shares with the load generator reads well under 100 % CPU, yet is runnable all the time.
 */
function busiestMainThread(start: ReadonlyMap<number, SchedStat>, seconds: number): SchedShares | undefined {
  let best: SchedShares | undefined;
  for (const [pid, s0] of start) {
    const shares = schedShares(s0, readSchedStat(pid), seconds * 1000);
    if (shares && (!best || shares.runnablePercent > best.runnablePercent)) best = shares;
  }
  return best;
}

export function readProbeLines(file: string | undefined, from: number, to: number): ProbeLine[] {
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: ProbeLine[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const l = JSON.parse(line) as ProbeLine;
      if (l.ts >= from && l.ts <= to) out.push(l);
    } catch {
      // A line cut by a concurrent write: skip it.
    }
  }
  // Several Node processes (npm → node): the SUT is the one with the busiest event loop.
  const byPid = new Map<number, ProbeLine[]>();
  for (const l of out) byPid.set(l.pid, [...(byPid.get(l.pid) ?? []), l]);
  let best: ProbeLine[] = [];
  let bestElu = -1;
  for (const lines of byPid.values()) {
    const elu = lines.reduce((s, l) => s + l.elu, 0);
    if (elu > bestElu) [best, bestElu] = [lines, elu];
  }
  return best;
}

function mergeProbe(samples: Sample[], probe: ProbeLine[], wall0: number): void {
  if (probe.length === 0) return;
  for (const s of samples) {
    const at = wall0 + s.t * 1000;
    let nearest = probe[0] as ProbeLine;
    for (const p of probe) if (Math.abs(p.ts - at) < Math.abs(nearest.ts - at)) nearest = p;
    s.eventLoopDelayMs = nearest.eldP99;
    s.heapUsedBytes = nearest.heapUsed;
  }
}

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
    ...systemSummary(input.system),
    ...probeSummary(input.probe, input.seconds),
    ...mainThreadSummary(input.mainThread),
  };
}

/** Percentiles come from the samples; the mean from the counters, so that it covers the whole window. */
function cpuSummary(samples: readonly Sample[], tree: Span<ProcessCounters> | undefined, seconds: number): ResourceSummary {
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
    rssMaxBytes: Math.max(...samples.map((s) => s.rssBytes)),
    rssGrowthBytesPerMin: perMinute(samples.map((s) => [s.t, s.rssBytes])),
    fdsMax: Math.max(...samples.map((s) => s.fds ?? 0)),
    threadsMax: Math.max(...samples.map((s) => s.threads ?? 0)),
  };
}

function systemSummary(system: Span<SystemCounters> | undefined): ResourceSummary {
  if (!system) return {};
  const { start, end } = system;
  const total = Math.max(1, end.total - start.total);
  const segs = end.outSegs - start.outSegs;
  return {
    stealPercent: ((end.steal - start.steal) / total) * 100,
    iowaitPercent: ((end.iowait - start.iowait) / total) * 100,
    tcpRetransPercent: segs > 0 ? ((end.retransSegs - start.retransSegs) / segs) * 100 : 0,
    listenOverflows: end.listenOverflows - start.listenOverflows,
  };
}

function probeSummary(probe: readonly ProbeLine[], seconds: number): ResourceSummary {
  if (!probe.length) return {};
  const t0 = probe[0]?.ts ?? 0;
  return {
    eventLoopDelayP50Ms: median(probe.map((p) => p.eldP50)),
    eventLoopDelayP99Ms: median(probe.map((p) => p.eldP99)),
    eventLoopDelayMaxMs: Math.max(...probe.map((p) => p.eldMax)),
    eventLoopUtilization: probe.reduce((s, p) => s + p.elu, 0) / probe.length,
    gcMsPerSec: probe.reduce((s, p) => s + p.gcMs, 0) / seconds,
    heapGrowthBytesPerMin: perMinute(probe.map((p) => [(p.ts - t0) / 1000, p.heapUsed])),
    heapEndBytes: probe.at(-1)?.heapUsed ?? 0,
  };
}

function mainThreadSummary(shares: SchedShares | undefined): ResourceSummary {
  return shares ? { mainThreadRunnablePercent: shares.runnablePercent, mainThreadRunQueuePercent: shares.queuedPercent } : {};
}
