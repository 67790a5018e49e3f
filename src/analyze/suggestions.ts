/**
 * Suggestions derived from the bottlenecks and the measurements, each with the numbers that led
 * to it. All are proposals for a human (`requiresHumanReview: true`): perfgate changes nothing.
 */
import type { ProfileConfig } from '../config/schema.js';
import type { ProfileResult } from '../model/result.js';
import { isOwnCode, type Bottleneck, type HotFunction, type Suggestion } from '../model/monitor.js';

type Make = (p: ProfileResult, found: readonly Bottleneck[], config: ProfileConfig | undefined) => Suggestion[];
const has = (found: readonly Bottleneck[], p: ProfileResult, kind: Bottleneck['kind']) =>
  found.find((b) => b.profile === p.name && b.kind === kind);
const suggestion = (s: Omit<Suggestion, 'requiresHumanReview'>): Suggestion => ({ ...s, requiresHumanReview: true });

/** The hottest function that is the SUT's own code (not Node's internals or node_modules). */
function hottestOwnFunction(functions: readonly HotFunction[]): HotFunction | undefined {
  return [...functions].sort((a, b) => b.selfMs - a.selfMs).find(isOwnCode);
}

const hotCode: Make = (p, found) => {
  const cpu = has(found, p, 'cpu') ?? has(found, p, 'event-loop');
  const hot = hottestOwnFunction(p.resources?.hotFunctions ?? []);
  if (!cpu) return [];
  if (!hot) {
    return [
      suggestion({
        category: 'code',
        profile: p.name,
        title: 'Profile the hot path: set monitor.cpuProfile: true to name the function that uses the CPU',
        evidence: cpu.evidence,
        expectedImpact: 'names the code to optimize; no change by itself',
      }),
    ];
  }
  const where = `${hot.url.replace(/^file:\/\//, '')}:${hot.line}`;
  return [
    suggestion({
      category: 'code',
      profile: p.name,
      title: `Look at ${hot.functionName} (${where}): ${hot.selfPercent.toFixed(0)}% of the SUT's CPU time`,
      evidence: [
        ...cpu.evidence,
        `CPU profile: ${hot.functionName} at ${where} has ${hot.selfMs.toFixed(0)} ms of self time (${hot.selfPercent.toFixed(1)}% of busy time)`,
      ],
      expectedImpact: `up to ${Math.min(95, hot.selfPercent).toFixed(0)}% less CPU per request if that function's work is removed, cached or moved off the request path`,
    }),
  ];
};

const blockingCall: Make = (p, found) => {
  const eld = has(found, p, 'event-loop');
  if (!eld || has(found, p, 'cpu')) return [];
  return [
    suggestion({
      category: 'code',
      profile: p.name,
      title:
        'Replace the synchronous call that blocks the event loop with its asynchronous form (or move it to a worker thread)',
      evidence: eld.evidence,
      expectedImpact:
        "other requests stop waiting behind the blocked loop: latency falls towards the handler's own time and throughput rises",
    }),
  ];
};

const leak: Make = (p, found) => {
  const mem = has(found, p, 'memory');
  return mem
    ? [
        suggestion({
          category: 'code',
          profile: p.name,
          title: mem.evidence.some((e) => e.startsWith('memory outside the V8 heap'))
            ? 'Memory grows with every request outside the V8 heap: look for Buffers (request bodies, file reads, crypto output) kept in a module-level cache, array or map without a bound'
            : 'Memory grows with every request: look for objects kept in a module-level cache, array or map without a bound',
          evidence: mem.evidence,
          expectedImpact: 'stable memory; without a fix the process runs out of memory after long enough',
        }),
      ]
    : [];
};

/** "WHERE col = …" → col: the column an index would serve. */
export function filteredColumn(query: string): string | undefined {
  return /\bwhere\s+(?:"?\w+"?\.)?"?(\w+)"?\s*(?:=|<|>|<=|>=|in\b|like\b|between\b)/i.exec(query)?.[1];
}

const slowQuery: Make = (p, found) => {
  const db = has(found, p, 'database');
  const stats = p.resources?.database;
  const top = stats?.statements[0];
  if (!db || !top) return [];
  const scan = stats?.seqScans.find((t) => t.seqScans > 0 && t.liveRows >= 10_000);
  const column = filteredColumn(top.query);
  const evidence = [
    `${top.query.slice(0, 300)} — ${top.calls} calls, mean ${top.meanMs.toFixed(2)} ms, ${(top.totalMs / 1000).toFixed(1)} s in total`,
    ...db.evidence,
  ];
  const title =
    scan && column
      ? `Index ${scan.table}(${column}): the slowest statement filters on ${column} and the table is read by sequential scans`
      : `Speed up the slowest statement (${top.meanMs.toFixed(1)} ms mean): check its plan with EXPLAIN ANALYZE`;
  return [
    suggestion({
      category: 'query',
      profile: p.name,
      title,
      evidence,
      expectedImpact: scan
        ? `an index scan reads a few rows instead of ${Math.round(scan.seqRowsRead / Math.max(1, scan.seqScans))} per call`
        : 'lower database time per request',
    }),
  ];
};

const cacheable: Make = (p, found, config) => {
  if (!config || !('requests' in config) || p.latency.p50 < 2 || p.errors.total > 0) return [];
  const total = config.requests.reduce((s, r) => s + r.weight, 0);
  const hot = config.requests.find((r) => r.method === 'GET' && r.weight / total >= 0.5);
  if (!hot || !(has(found, p, 'cpu') || has(found, p, 'database'))) return [];
  return [
    suggestion({
      category: 'cache',
      profile: p.name,
      title: `Cache the answer to GET ${hot.path}: the same request is ${Math.round((hot.weight / total) * 100)}% of the traffic`,
      evidence: [
        `GET ${hot.path} sent ${Math.round((hot.weight / total) * p.requests.total)} times with the same parameters; p50 ${p.latency.p50.toFixed(2)} ms`,
        ...found.filter((b) => b.profile === p.name).flatMap((b) => b.evidence.slice(0, 1)),
      ],
      expectedImpact:
        'repeated requests served from memory (or an HTTP cache with Cache-Control) instead of recomputed',
    }),
  ];
};

const generatorLimit: Make = (p, found) => {
  const gen = has(found, p, 'load-generator');
  return gen
    ? [
        suggestion({
          category: 'config',
          profile: p.name,
          title:
            'Split the load across runners (perfgate run --shard i/n) or lower connections/rate: perfgate itself was the limit',
          evidence: gen.evidence,
          expectedImpact: 'numbers that describe the SUT instead of the load generator',
        }),
      ]
    : [];
};

const moreCores: Make = (p, found) => {
  const cpu = has(found, p, 'cpu');
  const cores = p.resources?.summary.cores;
  if (!cpu || !cores || cores < 2 || (p.resources?.summary.cpuPercentMedian ?? 0) > 150) return [];
  return [
    suggestion({
      category: 'resources',
      profile: p.name,
      title: `Use more than one core: the SUT is pinned to one of ${cores} (node:cluster, worker_threads or more replicas)`,
      evidence: cpu.evidence,
      expectedImpact: `up to ${cores}× the throughput if the work parallelizes`,
    }),
  ];
};

const MAKERS: readonly Make[] = [hotCode, blockingCall, leak, slowQuery, cacheable, moreCores, generatorLimit];

export function suggestImprovements(
  profiles: readonly ProfileResult[],
  found: readonly Bottleneck[],
  configs: readonly ProfileConfig[],
): Suggestion[] {
  return profiles.flatMap((p) =>
    MAKERS.flatMap((make) =>
      make(
        p,
        found,
        configs.find((c) => c.name === p.name),
      ),
    ),
  );
}
