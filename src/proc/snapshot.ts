/**
 * A point-in-time view of a process tree's limits for the stress ramp's exhaustion findings:
 * open file descriptors against their soft limit, RSS, and the kernel's listen-queue counters.
 * Linux only (/proc); elsewhere every reader finds nothing, so a snapshot is zeros and an
 * unknown limit (Infinity), and no finding is made from it.
 */
import { readdirSync } from 'node:fs';
import { parseNetstat, readProcFile } from './read.js';

export interface ResourceSnapshot {
  fds: number;
  /** Lowest "Max open files" soft limit among the processes (Infinity when unknown). */
  fdLimit: number;
  rssBytes: number;
  listenOverflows: number;
  listenDrops: number;
}

/** A process's "Max open files" soft limit (`ulimit -n`); Infinity when unknown or unlimited. */
export function openFileLimit(pid: number | 'self'): number {
  const limit = /Max open files\s+(\d+)/.exec(readProcFile(`/proc/${pid}/limits`))?.[1];
  return limit ? Number(limit) : Infinity;
}

export function snapshotResources(pids: readonly number[]): ResourceSnapshot {
  let fds = 0;
  let fdLimit = Infinity;
  let rssBytes = 0;
  for (const pid of pids) {
    try {
      fds += readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      // Process gone or not ours to read.
    }
    fdLimit = Math.min(fdLimit, openFileLimit(pid));
    const rss = /VmRSS:\s+(\d+) kB/.exec(readProcFile(`/proc/${pid}/status`))?.[1];
    if (rss) rssBytes += Number(rss) * 1024;
  }
  const netstat = parseNetstat(readProcFile('/proc/net/netstat'));
  return {
    fds,
    fdLimit,
    rssBytes,
    listenOverflows: netstat.TcpExt?.ListenOverflows ?? 0,
    listenDrops: netstat.TcpExt?.ListenDrops ?? 0,
  };
}
