/**
 * Samples the SUT's whole process tree from /proc: CPU (user and system, as a share of one
 * core), RSS, bytes read and written, open file descriptors, threads and context switches, plus
 * the system's CPU steal and TCP retransmits and listen-queue overflows. Reading a few small
 * files per process costs far under 1 % of a core at a 100 ms interval (bench/monitor.ts).
 * Written by hand: pidusage and systeminformation spawn `ps` or read far more than this needs.
 */
import { readdirSync } from 'node:fs';
import { parseNetstat, readProcFile as read } from './read.js';

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on every Linux that runs CI). */
const TICKS = 100;
const PAGE = 4096;

export interface ProcessCounters {
  cpuTicks: number;
  userTicks: number;
  systemTicks: number;
  rssBytes: number;
  threads: number;
  readBytes: number;
  writeBytes: number;
  fds: number;
  ctxSwitches: number;
}

export interface SystemCounters {
  steal: number;
  total: number;
  /** Ticks idle (not counting iowait). */
  idle: number;
  iowait: number;
  retransSegs: number;
  outSegs: number;
  listenOverflows: number;
  /** Per block device (whole disks): ms spent doing I/O, and the queue-weighted ms (/proc/diskstats). */
  disks: Record<string, { busyMs: number; weightedMs: number }>;
}

/** Devices that are no disk's: loop files, RAM and compressed-RAM swap, device-mapper layers. */
const NOT_A_DISK = /^(loop|ram|zram|dm-|md|sr)/;

/**
 * /proc/diskstats, whole disks only (a partition's time is its disk's too): field 10 of the
 * counters is the time the device had I/O in flight (utilization), field 11 that time weighted
 * by the requests in flight (saturation: the average queue).
 */
function readDisks(): SystemCounters['disks'] {
  const disks: SystemCounters['disks'] = {};
  let whole: Set<string>;
  try {
    whole = new Set(readdirSync('/sys/block'));
  } catch {
    return disks;
  }
  for (const line of read('/proc/diskstats').split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2];
    if (!name || !whole.has(name) || NOT_A_DISK.test(name)) continue;
    disks[name] = { busyMs: Number(f[12] ?? 0), weightedMs: Number(f[13] ?? 0) };
  }
  return disks;
}

function readProcess(pid: number): ProcessCounters | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(f[11]);
  const systemTicks = Number(f[12]);
  const io = read(`/proc/${pid}/io`);
  const status = read(`/proc/${pid}/status`);
  let fds = 0;
  try {
    fds = readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    // Not ours to read.
  }
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return {
    cpuTicks: userTicks + systemTicks,
    userTicks,
    systemTicks,
    rssBytes: Number(f[21]) * PAGE,
    threads: Number(f[17]),
    readBytes: field(io, 'read_bytes'),
    writeBytes: field(io, 'write_bytes'),
    fds,
    ctxSwitches: field(status, 'voluntary_ctxt_switches') + field(status, 'nonvoluntary_ctxt_switches'),
  };
}

export function readSystem(): SystemCounters {
  const cpu = (read('/proc/stat').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const snmp = parseNetstat(read('/proc/net/snmp'));
  const netstat = parseNetstat(read('/proc/net/netstat'));
  return {
    steal: cpu[7] ?? 0,
    idle: cpu[3] ?? 0,
    iowait: cpu[4] ?? 0,
    total: cpu.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0),
    retransSegs: snmp.Tcp?.RetransSegs ?? 0,
    outSegs: snmp.Tcp?.OutSegs ?? 0,
    listenOverflows: netstat.TcpExt?.ListenOverflows ?? 0,
    disks: readDisks(),
  };
}

/** Sum of the counters of every PID of the tree. */
export function readTree(pids: readonly number[]): ProcessCounters {
  const sum: ProcessCounters = {
    cpuTicks: 0,
    userTicks: 0,
    systemTicks: 0,
    rssBytes: 0,
    threads: 0,
    readBytes: 0,
    writeBytes: 0,
    fds: 0,
    ctxSwitches: 0,
  };
  for (const pid of pids) {
    const c = readProcess(pid);
    if (!c) continue;
    for (const k of Object.keys(sum) as (keyof ProcessCounters)[]) sum[k] += c[k];
  }
  return sum;
}

export const ticksToMs = (ticks: number) => (ticks * 1000) / TICKS;

/** A thread's scheduler accounting: ns on a CPU and ns runnable but waiting in a run queue. */
export interface SchedStat {
  runNs: number;
  waitNs: number;
}

/**
 * /proc/<pid>/task/<tid>/schedstat (by default the process's main thread), or undefined where
 * the kernel keeps none (not Linux, or no such process). CPU time alone cannot tell a thread that
 * idled from one that wanted a CPU another process held; the run-queue time can.
 */
export function readSchedStat(pid: number, tid = pid): SchedStat | undefined {
  const [run, wait] = read(`/proc/${pid}/task/${tid}/schedstat`).trim().split(/\s+/).map(Number);
  return run !== undefined && wait !== undefined && Number.isFinite(run) && Number.isFinite(wait)
    ? { runNs: run, waitNs: wait }
    : undefined;
}

/** Shares of a window between two schedstat readings of one thread, in % of the wall time. */
export interface SchedShares {
  /** On a CPU or queued for one (capped at 100). */
  runnablePercent: number;
  /** Queued behind other threads. */
  queuedPercent: number;
}

/** Undefined when either reading is missing or the counters went back (a reused PID). */
export function schedShares(
  from: SchedStat | undefined,
  to: SchedStat | undefined,
  wallMs: number,
): SchedShares | undefined {
  if (!from || !to) return undefined;
  const run = ((to.runNs - from.runNs) / 1e6 / wallMs) * 100;
  const queued = ((to.waitNs - from.waitNs) / 1e6 / wallMs) * 100;
  if (run < 0 || queued < 0) return undefined;
  return { runnablePercent: Math.min(100, run + queued), queuedPercent: queued };
}
