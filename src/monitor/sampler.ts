/**
 * Samples a process tree at a fixed interval during one profile and sums it up: /proc counters
 * into per-interval rates, the Node probe's lines (when the SUT has it) merged in by time, and
 * the window into one typed ResourceSummary (`summarize`, one small function per source; the
 * fields and their units are documented in src/model/monitor.ts).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { ResourceSummary, Resources } from '../model/monitor.js';
import { summarize, type ProbeLine } from './summary.js';
import {
  readSchedStat,
  readSystem,
  readTree,
  schedShares,
  ticksToMs,
  type ProcessCounters,
  type SchedShares,
  type SchedStat,
  type SystemCounters,
} from '../proc/counters.js';

type Sample = Resources['samples'][number];

/** Where a window inside the sampling begins (a stress step's measured part): see `since`. */
export interface SamplerMark {
  /** Seconds since start(), on the samples' clock. */
  t: number;
  wall: number;
  tree: ProcessCounters;
  system: SystemCounters;
  sched: Map<number, SchedStat>;
}

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
    this.sched0 = readSched(pids);
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
    // A loop, not Math.max(...samples): a long run's samples would overflow the call stack.
    let rssMaxBytes = 0;
    let fdsMax = 0;
    for (const s of this.samples) {
      rssMaxBytes = Math.max(rssMaxBytes, s.rssBytes);
      fdsMax = Math.max(fdsMax, s.fds ?? 0);
    }
    return { rssMaxBytes, fdsMax };
  }

  /** The start of a window that `since` sums up, while sampling goes on. */
  mark(): SamplerMark {
    const pids = this.treePids();
    return {
      t: (performance.now() - this.t0) / 1000,
      wall: Date.now(),
      tree: readTree(pids),
      system: readSystem(),
      sched: readSched(pids),
    };
  }

  /**
   * The window from `mark` to now, summed up as stop() sums up the whole profile (its samples on
   * their own clock from 0): a stress step's own resources, so that each step can be judged by
   * the bottleneck rules. Undefined when the tree has no process to read (a SUT perfgate did not
   * start and could not find), since zeros would read as an idle SUT.
   */
  since(mark: SamplerMark): Resources | undefined {
    const pids = this.treePids();
    if (pids.length === 0) return undefined;
    const seconds = Math.max(0.001, (performance.now() - this.t0) / 1000 - mark.t);
    const samples = this.samples.filter((s) => s.t > mark.t).map((s) => ({ ...s, t: s.t - mark.t }));
    const probe = readProbeLines(this.probeFile, mark.wall, Date.now());
    mergeProbe(samples, probe, mark.wall);
    const summary = summarize({
      cores: os.cpus().length,
      seconds,
      samples,
      probe,
      tree: { start: mark.tree, end: readTree(pids) },
      system: { start: mark.system, end: readSystem() },
      mainThread: busiestMainThread(mark.sched, seconds),
    });
    return { samples, summary };
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

function readSched(pids: readonly number[]): Map<number, SchedStat> {
  const out = new Map<number, SchedStat>();
  for (const pid of pids) {
    const st = readSchedStat(pid);
    if (st) out.set(pid, st);
  }
  return out;
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
  for (const l of out) {
    const lines = byPid.get(l.pid);
    if (lines) lines.push(l);
    else byPid.set(l.pid, [l]);
  }
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
    if (nearest.external !== undefined) s.externalBytes = nearest.external;
  }
}
