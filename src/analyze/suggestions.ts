/**
 * Suggestions derived from the bottlenecks and the measurements, each with the numbers that led
 * to it. All are proposals for a human (`requiresHumanReview: true`): perfgate changes nothing.
 */
import type { ProfileConfig } from '../config/schema.js';
import { endpointName, type ProfileResult } from '../model/result.js';
import { GC_PRESSURE_EVIDENCE, type RuleContext } from './bottlenecks.js';
import { isOwnCode, type Bottleneck, type HotFunction, type Suggestion } from '../model/monitor.js';

type Make = (
  p: ProfileResult,
  found: readonly Bottleneck[],
  config: ProfileConfig | undefined,
  ctx: RuleContext,
) => Suggestion[];

/** A hot function worth a look: this share of the SUT's busy CPU time, at least (a 1 % one was once offered). */
const HOT_FUNCTION_MIN_PERCENT = 10;
/** "Pinned to one core": the SUT's median CPU at most this (% of one core), and its p90 at most 130. */
const ONE_CORE_MEDIAN_PERCENT = 115;
const ONE_CORE_P90_PERCENT = 130;
/** The main thread on a CPU or queued for one this share of the window: the single thread is the limit. */
const MAIN_THREAD_BUSY_PERCENT = 80;
/** An endpoint took this share of the SUT's answering time before caching its answer is suggested. */
const CACHEABLE_SHARE = 0.5;
const has = (found: readonly Bottleneck[], p: ProfileResult, kind: Bottleneck['kind']) =>
  found.find((b) => b.profile === p.name && b.kind === kind);
const suggestion = (s: Omit<Suggestion, 'requiresHumanReview'>): Suggestion => ({ ...s, requiresHumanReview: true });

/** The hottest function that is the SUT's own code (not Node's internals or node_modules). */
function hottestOwnFunction(functions: readonly HotFunction[]): HotFunction | undefined {
  return [...functions].sort((a, b) => b.selfMs - a.selfMs).find(isOwnCode);
}

const hotCode: Make = (p, found) => {
  const cpu = has(found, p, 'cpu') ?? has(found, p, 'event-loop');
  const hottest = hottestOwnFunction(p.resources?.hotFunctions ?? []);
  // A function with a few % of the CPU is not where to look: without one that stands out, no name is offered.
  const hot = hottest && hottest.selfPercent >= HOT_FUNCTION_MIN_PERCENT ? hottest : undefined;
  if (!cpu) return [];
  if (!hot && hottest) return [];
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
  if (mem?.evidence[0]?.startsWith(GC_PRESSURE_EVIDENCE))
    return [
      suggestion({
        category: 'code',
        profile: p.name,
        title:
          'Allocate less per request: the collector, not a leak, takes the time (look for large temporary arrays, copies and JSON round trips in the hot path; reuse buffers)',
        evidence: mem.evidence,
        expectedImpact: 'less time paused for garbage collection: lower latency and more requests per core',
      }),
    ];
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

/**
 * Caching an answer: for a GET endpoint whose request is the same every time (no template, no
 * data row) that took most of the time the SUT spent answering, when the SUT was busy computing or
 * querying. Never argued from the share of requests: that share is the config's own mix, not the
 * users' traffic (a suggestion once said "80 % of the traffic" of a weight the user had written).
 */
const cacheable: Make = (p, found, config) => {
  if (!config || !('requests' in config) || p.errors.total > 0) return [];
  if (!(has(found, p, 'cpu') || has(found, p, 'database'))) return [];
  const endpoints = p.endpoints ?? [];
  const timeOf = (e: (typeof endpoints)[number]) => e.requests.total * e.latency.mean;
  const total = endpoints.reduce((s, e) => s + timeOf(e), 0);
  const hot = [...endpoints].sort((a, b) => timeOf(b) - timeOf(a))[0];
  if (!hot || hot.method !== 'GET' || total <= 0 || hot.latency.p50 < 2) return [];
  const share = timeOf(hot) / total;
  const requests = config.requests.filter((r) => endpointName(r) === hot.name);
  const varies = (r: (typeof requests)[number]) =>
    r.path.includes('{{') || Object.values(r.headers).some((v) => v.includes('{{'));
  if (share < CACHEABLE_SHARE || requests.length !== 1 || requests.some(varies) || config.data) return [];
  return [
    suggestion({
      category: 'cache',
      profile: p.name,
      title: `Cache the answer to GET ${hot.path} if it may be reused: it took ${Math.round(share * 100)}% of the SUT's answering time`,
      evidence: [
        `GET ${hot.path}, the same request every time, answered ${hot.requests.total} times at p50 ${hot.latency.p50.toFixed(2)} ms: ${Math.round(share * 100)}% of the time spent on all requests (this test's mix, not your users' traffic)`,
        ...found.filter((b) => b.profile === p.name).flatMap((b) => b.evidence.slice(0, 1)),
      ],
      expectedImpact:
        'repeated requests served from memory (or an HTTP cache with Cache-Control) instead of recomputed',
    }),
  ];
};

/** The generator was the limit. On one machine with the SUT, more runners cannot reach it: say what helps there. */
const generatorLimit: Make = (p, found, _config, ctx) => {
  const gen = has(found, p, 'load-generator');
  if (!gen) return [];
  return [
    suggestion({
      category: 'config',
      profile: p.name,
      title: ctx.loopbackTarget
        ? 'Lower connections/rate, or run on a runner with more cores: perfgate itself was the limit, and it shares this machine with the SUT'
        : 'Split the load across runners (perfgate run --shard i/n) or lower connections/rate: perfgate itself was the limit',
      evidence: gen.evidence,
      expectedImpact: 'numbers that describe the SUT instead of the load generator',
    }),
  ];
};

const moreCores: Make = (p, found) => {
  const cpu = has(found, p, 'cpu');
  const summary = p.resources?.summary;
  const cores = summary?.cores;
  // The premise: the SUT used about one core. At 139 % median and 190 % p90 (bcrypt on the libuv
  // pool) it already used more than one, and the advice was false.
  const median = summary?.cpuPercentMedian;
  const p90 = summary?.cpuPercentP90 ?? median;
  if (!cpu || !cores || cores < 2 || median === undefined || p90 === undefined) return [];
  if (median > ONE_CORE_MEDIAN_PERCENT || p90 > ONE_CORE_P90_PERCENT) return [];
  // And its JavaScript thread was the one at work: crypto on the libuv pool at a lower rate read
  // 105 % median, 125 % p90 with the main thread runnable 29 % of the time (bench/diagnosis).
  const runnable = summary?.mainThreadRunnablePercent;
  if (runnable !== undefined && runnable < MAIN_THREAD_BUSY_PERCENT) return [];
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

/**
 * Every suggestion once per run: the same advice for several profiles is one suggestion that
 * names them all, with each profile's evidence under its name.
 */
export function suggestImprovements(
  profiles: readonly ProfileResult[],
  found: readonly Bottleneck[],
  configs: readonly ProfileConfig[],
  ctx: RuleContext = { loopbackTarget: true },
): Suggestion[] {
  const all = profiles.flatMap((p) =>
    MAKERS.flatMap((make) =>
      make(
        p,
        found,
        configs.find((c) => c.name === p.name),
        ctx,
      ),
    ),
  );
  const byTitle = new Map<string, Suggestion[]>();
  for (const s of all) {
    const key = `${s.category}\u0000${s.title}`;
    byTitle.set(key, [...(byTitle.get(key) ?? []), s]);
  }
  return [...byTitle.values()].map((same) => {
    const first = same[0] as Suggestion;
    if (same.length === 1) return first;
    return {
      ...first,
      profile: same.map((s) => s.profile).join(', '),
      evidence: same.flatMap((s) => s.evidence.map((e) => `${s.profile}: ${e}`)),
    };
  });
}
