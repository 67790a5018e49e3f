/**
 * Samples a process tree at a fixed interval during one profile and sums it up: /proc counters
 * into per-interval rates, the Node probe's lines (when the SUT has it) merged in by time.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { linearRegression, median, quantile } from 'simple-statistics';
import type { Resources } from '../model/monitor.js';
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
  private ctx0 = 0;
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
    this.ctx0 = this.first.ctxSwitches;
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

  stop(): Resources {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const end = performance.now();
    const seconds = Math.max(0.001, (end - this.t0) / 1000);
    const probe = readProbeLines(this.probeFile, this.wall0, Date.now());
    mergeProbe(this.samples, probe, this.wall0);
    const summary = summarize(this.samples, probe, this.first, this.last, this.ctx0, this.sys0, readSystem(), seconds);
    Object.assign(summary, mainThreadShares(this.sched0, seconds));
    return { samples: this.samples, summary };
  }
}

/**
 * The busiest main thread of the tree (a Node server's JavaScript thread): the share of the
 * window it was on a CPU or queued for one, and the queued part. A CPU-bound server on a machine
 * it shares with the load generator reads well under 100 % CPU, yet is runnable all the time.
 */
function mainThreadShares(start: ReadonlyMap<number, SchedStat>, seconds: number): Record<string, number> {
  let best: SchedShares | undefined;
  for (const [pid, s0] of start) {
    const shares = schedShares(s0, readSchedStat(pid), seconds * 1000);
    if (shares && (!best || shares.runnablePercent > best.runnablePercent)) best = shares;
  }
  return best ? { mainThreadRunnablePercent: best.runnablePercent, mainThreadRunQueuePercent: best.queuedPercent } : {};
}

export function readProbeLines(file: string | undefined, from: number, to: number): ProbeLine[] {
  if (!file) return [];
  let text = '';
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

function summarize(samples: Sample[], probe: ProbeLine[], first: ProcessCounters | undefined, last: ProcessCounters | undefined, ctx0: number, sys0: SystemCounters | undefined, sys1: SystemCounters, seconds: number): Record<string, number> {
  const cpu = samples.map((s) => s.cpuPercent);
  const out: Record<string, number> = { cores: os.cpus().length };
  if (cpu.length) {
    out.cpuPercentMedian = median(cpu);
    out.cpuPercentP90 = quantile(cpu, 0.9);
  }
  if (first && last) {
    const busy = last.cpuTicks - first.cpuTicks;
    out.cpuPercentMean = (ticksToMs(busy) / (seconds * 1000)) * 100;
    out.systemCpuShare = busy > 0 ? (last.systemTicks - first.systemTicks) / busy : 0;
    out.ctxSwitchesPerSec = (last.ctxSwitches - ctx0) / seconds;
    out.readBytesPerSec = Math.max(0, last.readBytes - first.readBytes) / seconds;
    out.writeBytesPerSec = Math.max(0, last.writeBytes - first.writeBytes) / seconds;
    out.rssStartBytes = first.rssBytes;
  }
  if (samples.length) {
    out.rssEndBytes = samples.at(-1)?.rssBytes ?? 0;
    out.rssMaxBytes = Math.max(...samples.map((s) => s.rssBytes));
    out.rssGrowthBytesPerMin = perMinute(samples.map((s) => [s.t, s.rssBytes]));
    out.fdsMax = Math.max(...samples.map((s) => s.fds ?? 0));
    out.threadsMax = Math.max(...samples.map((s) => s.threads ?? 0));
  }
  if (sys0) {
    const total = Math.max(1, sys1.total - sys0.total);
    out.stealPercent = ((sys1.steal - sys0.steal) / total) * 100;
    out.iowaitPercent = ((sys1.iowait - sys0.iowait) / total) * 100;
    const segs = sys1.outSegs - sys0.outSegs;
    out.tcpRetransPercent = segs > 0 ? ((sys1.retransSegs - sys0.retransSegs) / segs) * 100 : 0;
    out.listenOverflows = sys1.listenOverflows - sys0.listenOverflows;
  }
  if (probe.length) {
    out.eventLoopDelayP50Ms = median(probe.map((p) => p.eldP50));
    out.eventLoopDelayP99Ms = median(probe.map((p) => p.eldP99));
    out.eventLoopDelayMaxMs = Math.max(...probe.map((p) => p.eldMax));
    out.eventLoopUtilization = probe.reduce((s, p) => s + p.elu, 0) / probe.length;
    out.gcMsPerSec = probe.reduce((s, p) => s + p.gcMs, 0) / seconds;
    const t0 = probe[0]?.ts ?? 0;
    out.heapGrowthBytesPerMin = perMinute(probe.map((p) => [(p.ts - t0) / 1000, p.heapUsed]));
    out.heapEndBytes = probe.at(-1)?.heapUsed ?? 0;
  }
  return out;
}
