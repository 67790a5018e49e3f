/**
 * What ran out when the SUT broke: file descriptors against their limit, memory, the listen
 * queue (TcpExt ListenOverflows/ListenDrops in /proc/net/netstat), refused and reset
 * connections, or the process itself, from snapshots taken before the ramp and at its peak
 * (src/proc/snapshot.ts); findings are data in the result, never a perfgate crash.
 */
import type { ResourceSnapshot } from '../proc/snapshot.js';

export interface ExhaustionInput {
  before: ResourceSnapshot;
  peak: ResourceSnapshot;
  refused: number;
  reset: number;
  timeouts: number;
  dropped: number;
  crash?: { code: number | null; signal: string | null; atMs: number; logTail: string };
}

const MIB = 1024 * 1024;

/** Findings, most decisive first. */
export function exhaustionFindings(x: ExhaustionInput): { resource: string; detail: string }[] {
  const out: { resource: string; detail: string }[] = [];
  if (x.crash) {
    const how = x.crash.signal ? `was killed by ${x.crash.signal}` : `exited with code ${x.crash.code}`;
    const oom = /out of memory|heap limit|ENOMEM|Killed/i.test(x.crash.logTail) || x.crash.signal === 'SIGKILL';
    out.push({
      resource: oom ? 'memory' : 'process',
      detail: `the SUT ${how} ${(x.crash.atMs / 1000).toFixed(1)}s after start; last output: ${lastLines(x.crash.logTail, 5)}`,
    });
  }
  if (Number.isFinite(x.peak.fdLimit) && x.peak.fds >= 0.9 * x.peak.fdLimit) {
    out.push({
      resource: 'file-descriptors',
      detail: `${x.peak.fds} open file descriptors of a limit of ${x.peak.fdLimit} (ulimit -n)`,
    });
  }
  const overflows = x.peak.listenOverflows - x.before.listenOverflows;
  const drops = x.peak.listenDrops - x.before.listenDrops;
  if (overflows > 0 || drops > 0) {
    out.push({
      resource: 'listen-queue',
      detail: `the kernel's accept queue overflowed ${overflows} times (${drops} SYNs dropped): the server did not accept connections fast enough (raise the listen backlog or accept faster)`,
    });
  }
  const grown = x.peak.rssBytes - x.before.rssBytes;
  if (x.before.rssBytes > 0 && grown > 100 * MIB && x.peak.rssBytes > 2 * x.before.rssBytes) {
    out.push({
      resource: 'memory',
      detail: `RSS grew from ${(x.before.rssBytes / MIB).toFixed(0)} MiB to ${(x.peak.rssBytes / MIB).toFixed(0)} MiB during the ramp`,
    });
  }
  if (x.refused > 0)
    out.push({
      resource: 'connections',
      detail: `${x.refused} connections refused: nothing accepted them (crashed, or the backlog was full)`,
    });
  if (x.reset > 0)
    out.push({ resource: 'connections', detail: `${x.reset} connections reset or closed without an answer` });
  if (x.timeouts > 0)
    out.push({ resource: 'time', detail: `${x.timeouts} requests timed out: work queued faster than it was served` });
  if (x.dropped > 0)
    out.push({
      resource: 'concurrency',
      detail: `${x.dropped} arrivals found every in-flight slot busy and were not sent`,
    });
  return out;
}

export function maxSnapshot(a: ResourceSnapshot, b: ResourceSnapshot): ResourceSnapshot {
  return {
    fds: Math.max(a.fds, b.fds),
    fdLimit: Math.min(a.fdLimit, b.fdLimit),
    rssBytes: Math.max(a.rssBytes, b.rssBytes),
    listenOverflows: Math.max(a.listenOverflows, b.listenOverflows),
    listenDrops: Math.max(a.listenDrops, b.listenDrops),
  };
}

function lastLines(text: string, n: number): string {
  const lines = text.trim().split('\n').filter(Boolean).slice(-n);
  return lines.length ? lines.join(' ⏎ ') : '(no output)';
}
