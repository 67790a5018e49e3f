/**
 * The bottleneck rules on measured numbers (the values are those the seeded fault suite read,
 * bench/diagnosis): the held loop, the loop delayed by computing, GC pressure without a leak,
 * time spent between perfgate and the SUT, a saturated connection pool, and the ranking that
 * puts the specific cause before the generic CPU saturation a closed model always produces.
 */
import { describe, expect, it } from 'vitest';
import { classifyBottlenecks, rankBottlenecks } from '../../src/analyze/bottlenecks.js';
import type { Bottleneck, ResourceSummary } from '../../src/model/monitor.js';
import type { ProfileResult } from '../../src/model/result.js';
import { profile } from '../helpers/results.js';

const withSummary = (summary: ResourceSummary, extra: Partial<ProfileResult> = {}) =>
  profile('p', { durationSec: 6, resources: { samples: [], summary: { cores: 2, ...summary } }, ...extra });
const kinds = (p: ProfileResult) => classifyBottlenecks([p]).map((b) => b.kind);
const finding = (p: ProfileResult, kind: Bottleneck['kind']) => classifyBottlenecks([p]).find((b) => b.kind === kind);

describe('the event loop', () => {
  it('is held when it is busy all the time while the process barely computes (Atomics.wait, sync I/O)', () => {
    const p = withSummary({
      cpuPercentMedian: 10,
      eventLoopDelayP50Ms: 0.9,
      eventLoopDelayP99Ms: 9.5,
      eventLoopDelayMaxMs: 14,
      eventLoopUtilization: 0.998,
    });
    expect(kinds(p)).toEqual(['event-loop']);
    expect(finding(p, 'event-loop')?.evidence.join(' ')).toMatch(/only 10% busy: something blocks the loop/);
  });

  it('delayed by a thread computing flat out is the CPU’s finding, which cites the delay', () => {
    const p = withSummary({
      cpuPercentMedian: 100,
      cpuPercentP90: 110,
      eventLoopDelayP50Ms: 17.7,
      eventLoopDelayP99Ms: 18.1,
      eventLoopDelayMaxMs: 21.5,
      eventLoopUtilization: 0.998,
    });
    expect(kinds(p)).toEqual(['cpu']);
    expect(finding(p, 'cpu')?.evidence.join(' ')).toMatch(/event-loop delay median 17\.7 ms: requests wait/);
  });

  it('is named beside the CPU when single blocks are long (a 60 ms JSON.parse)', () => {
    const p = withSummary({ cpuPercentMedian: 98, eventLoopDelayP50Ms: 12, eventLoopDelayP99Ms: 61 });
    expect(kinds(p)).toEqual(['event-loop', 'cpu']);
  });
});

describe('memory without a leak', () => {
  it('is GC pressure when collection takes a large share of the main thread and nothing grows', () => {
    const p = withSummary({ cpuPercentMedian: 121, gcMsPerSec: 538 });
    const m = finding(p, 'memory');
    expect(m?.evidence[0]).toBe('garbage collection paused the SUT 538 ms per second (54% of its main thread)');
    expect(m?.evidence[1]).toMatch(/allocation pressure, not a leak$/);
    expect(kinds(p)).toEqual(['memory', 'cpu']);
  });

  it('is nothing at an ordinary collection rate', () => {
    expect(kinds(withSummary({ cpuPercentMedian: 90, gcMsPerSec: 35 }))).toEqual(['cpu']);
  });
});

describe('time between perfgate and the SUT', () => {
  const proxied = (summary: ResourceSummary, extra: Partial<ProfileResult> = {}) =>
    withSummary(
      { cpuPercentMedian: 10, eventLoopUtilization: 0.1, eventLoopDelayP50Ms: 0.05, serverRequests: 2000, ...summary },
      { latency: { min: 10, mean: 10.82, stdev: 0.3, p50: 10.8, p90: 11, p99: 12, p999: 13, max: 14 }, ...extra },
    );

  it('is the network when the SUT spent a fraction of what perfgate saw', () => {
    const net = finding(proxied({ serverTimeMeanMs: 0.08 }), 'network');
    expect(net?.evidence).toEqual([
      "requests took 10.82 ms at perfgate but 0.08 ms inside the SUT (its HTTP server, from the request to the response's end): 10.69 ms per request (99%) went between them (network, proxies, the kernel's queues)",
    ]);
  });

  it('is not judged while the loop is busy or the generator is the limit: both queue where no clock sees', () => {
    expect(finding(proxied({ serverTimeMeanMs: 0.08, eventLoopUtilization: 0.9 }), 'network')).toBeUndefined();
    const saturated = { cpuPercent: 99, eventLoopDelayP99Ms: 30, saturated: true, evidence: ['client 99%'] };
    expect(finding(proxied({ serverTimeMeanMs: 0.08 }, { generator: saturated }), 'network')).toBeUndefined();
  });

  it('is nothing when the SUT’s own time explains the latency', () => {
    expect(finding(proxied({ serverTimeMeanMs: 10.5 }), 'network')).toBeUndefined();
  });
});

describe('the database connection pool', () => {
  const withDb = (totalMs: number, others: number) =>
    withSummary(
      { cpuPercentMedian: 10 },
      {
        latency: { min: 30, mean: 35, stdev: 2, p50: 35, p90: 37, p99: 40, p999: 41, max: 42 },
        resources: {
          samples: [],
          summary: { cores: 2, cpuPercentMedian: 10 },
          database: {
            statements: [{ query: 'SELECT pg_sleep($1)', calls: 1400, totalMs, meanMs: totalMs / 1400, rows: 1400 }],
            seqScans: [],
            connections: { used: others + 1, max: 100, others },
            lockWaits: 0,
          },
        },
      },
    );

  it('is saturated when the SUT’s connections ran statements nearly all the window', () => {
    const db = finding(withDb(5900, 1), 'database');
    expect(db?.evidence).toEqual([
      "the SUT's 1 connection to the database ran statements 98% of the time: requests wait for a free connection (the pool is too small for this load, or each statement holds one too long)",
    ]);
  });

  it('is not named when the connections idle between statements', () => {
    expect(finding(withDb(5900, 4), 'database')).toBeUndefined();
  });
});

describe('the ranking', () => {
  it('puts the specific cause before the CPU saturation it produces, and orders by confidence within a kind', () => {
    const b = (kind: Bottleneck['kind'], confidence: number): Bottleneck => ({
      kind,
      profile: 'p',
      confidence,
      evidence: [],
    });
    expect(
      rankBottlenecks([b('cpu', 0.99), b('memory', 0.8), b('network', 0.65), b('memory', 0.95)]).map(
        (x) => `${x.kind} ${x.confidence}`,
      ),
    ).toEqual(['memory 0.95', 'memory 0.8', 'network 0.65', 'cpu 0.99']);
  });
});

describe('the suggestion for memory', () => {
  it('is to allocate less under GC pressure, never "memory grows" without a leak', async () => {
    const { suggestImprovements } = await import('../../src/analyze/suggestions.js');
    const p = withSummary({ cpuPercentMedian: 121, gcMsPerSec: 538 });
    const titles = suggestImprovements([p], classifyBottlenecks([p]), []).map((s) => s.title);
    expect(titles.some((t) => t.startsWith('Allocate less per request'))).toBe(true);
    expect(titles.some((t) => t.startsWith('Memory grows'))).toBe(false);
  });
});

describe('CPU per request', () => {
  /** Samples every 100 ms: `warmup` s at 10 %, then each step's CPU % for its seconds. */
  const sampled = (warmup: number, steps: [seconds: number, cpu: number][]) => {
    const samples: { t: number; cpuPercent: number; rssBytes: number }[] = [];
    let t = 0;
    const add = (seconds: number, cpu: number) => {
      for (let i = 0; i < seconds * 10; i++) samples.push({ t: (t += 0.1), cpuPercent: cpu, rssBytes: 1 });
    };
    add(warmup, 10);
    for (const [seconds, cpu] of steps) add(seconds, cpu);
    return samples;
  };

  it('reads the same for the same work in a steady load and in a ramp (0.5 ms per request in both)', async () => {
    const { cpuMsPerRequest } = await import('../../src/analyze/bottlenecks.js');
    const steady = profile('load', {
      durationSec: 6,
      requests: { total: 6000, ok: 6000, dropped: 0 },
      resources: { samples: sampled(2, [[6, 50]]), summary: {} },
    });
    // 500, 1000 and 2000 req/s for 2 s each: 7000 requests, CPU 25 %, 50 %, 100 %.
    const ramp = profile('ramp', {
      durationSec: 6,
      requests: { total: 7000, ok: 7000, dropped: 0 },
      resources: {
        samples: sampled(1, [
          [2, 25],
          [2, 50],
          [2, 100],
        ]),
        summary: {},
      },
    });
    expect(cpuMsPerRequest(steady)).toBeCloseTo(0.5, 2);
    expect(cpuMsPerRequest(ramp)).toBeCloseTo(0.5, 2);
  });
});

describe('the disk', () => {
  it('is busy when it had I/O in flight most of the window while the SUT wrote to it (fsync per request)', () => {
    const p = withSummary({
      cpuPercentMedian: 80,
      writeBytesPerSec: 22e6,
      iowaitPercent: 12,
      diskBusyPercent: 97,
      diskQueueDepth: 1.4,
    });
    expect(kinds(p)).toEqual(['io']);
    expect(finding(p, 'io')?.evidence[1]).toBe(
      'the busiest disk had I/O in flight 97% of the window, 1.4 requests queued on average',
    );
  });

  it('is not the SUT’s when another process keeps it busy and the SUT writes only its probe lines', () => {
    expect(kinds(withSummary({ cpuPercentMedian: 5, writeBytesPerSec: 3000, diskBusyPercent: 97 }))).toEqual([]);
  });
});
