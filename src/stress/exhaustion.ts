/**
 * What ran out when the SUT broke: file descriptors against their limit, memory, the listen
 * queue (TcpExt ListenOverflows/ListenDrops in /proc/net/netstat), refused and reset
 * connections, or the process itself. Read from /proc before the ramp and after each step;
 * findings are data in the result, never a perfgate crash, so every reader tolerates a missing file.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ResourceSnapshot {
  fds: number;
  /** Lowest "Max open files" soft limit among the processes (Infinity when unknown). */
  fdLimit: number;
  rssBytes: number;
  listenOverflows: number;
  listenDrops: number;
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
    const limit = /Max open files\s+(\d+)/.exec(readOr(`/proc/${pid}/limits`))?.[1];
    if (limit) fdLimit = Math.min(fdLimit, Number(limit));
    const rss = /VmRSS:\s+(\d+) kB/.exec(readOr(`/proc/${pid}/status`))?.[1];
    if (rss) rssBytes += Number(rss) * 1024;
  }
  const netstat = parseNetstat(readOr('/proc/net/netstat'));
  return { fds, fdLimit, rssBytes, listenOverflows: netstat.TcpExt?.ListenOverflows ?? 0, listenDrops: netstat.TcpExt?.ListenDrops ?? 0 };
}

/** /proc/net/netstat: pairs of lines "Prefix: names…" / "Prefix: values…". */
export function parseNetstat(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [prefix, ...names] = (lines[i] ?? '').trim().split(/\s+/);
    const values = (lines[i + 1] ?? '').trim().split(/\s+/).slice(1);
    if (!prefix) continue;
    const section: Record<string, number> = {};
    names.forEach((n, k) => (section[n] = Number(values[k] ?? 0)));
    out[prefix.replace(/:$/, '')] = section;
  }
  return out;
}

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
    out.push({ resource: oom ? 'memory' : 'process', detail: `the SUT ${how} ${(x.crash.atMs / 1000).toFixed(1)}s after start; last output: ${lastLines(x.crash.logTail, 5)}` });
  }
  if (Number.isFinite(x.peak.fdLimit) && x.peak.fds >= 0.9 * x.peak.fdLimit) {
    out.push({ resource: 'file-descriptors', detail: `${x.peak.fds} open file descriptors of a limit of ${x.peak.fdLimit} (ulimit -n)` });
  }
  const overflows = x.peak.listenOverflows - x.before.listenOverflows;
  const drops = x.peak.listenDrops - x.before.listenDrops;
  if (overflows > 0 || drops > 0) {
    out.push({ resource: 'listen-queue', detail: `the kernel's accept queue overflowed ${overflows} times (${drops} SYNs dropped): the server did not accept connections fast enough (raise the listen backlog or accept faster)` });
  }
  const grown = x.peak.rssBytes - x.before.rssBytes;
  if (x.before.rssBytes > 0 && grown > 100 * MIB && x.peak.rssBytes > 2 * x.before.rssBytes) {
    out.push({ resource: 'memory', detail: `RSS grew from ${(x.before.rssBytes / MIB).toFixed(0)} MiB to ${(x.peak.rssBytes / MIB).toFixed(0)} MiB during the ramp` });
  }
  if (x.refused > 0) out.push({ resource: 'connections', detail: `${x.refused} connections refused: nothing accepted them (crashed, or the backlog was full)` });
  if (x.reset > 0) out.push({ resource: 'connections', detail: `${x.reset} connections reset or closed without an answer` });
  if (x.timeouts > 0) out.push({ resource: 'time', detail: `${x.timeouts} requests timed out: work queued faster than it was served` });
  if (x.dropped > 0) out.push({ resource: 'concurrency', detail: `${x.dropped} arrivals found every in-flight slot busy and were not sent` });
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

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function lastLines(text: string, n: number): string {
  const lines = text.trim().split('\n').filter(Boolean).slice(-n);
  return lines.length ? lines.join(' ⏎ ') : '(no output)';
}
