/**
 * The load engine against real servers on loopback: latency precision, the open model's rate,
 * warmup exclusion, the weighted mix, error classes and their reconciliation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSchema } from '../../src/config/sections/request.js';
import { createLoadRunner } from '../../src/load/index.js';
import type { LoadOptions } from '../../src/load/types.js';
import { weightedCycle } from '../../src/load/mix.js';
import { startFixture, type FixtureServer } from '../helpers/servers.js';

const runner = createLoadRunner();
let server: FixtureServer;
beforeAll(async () => {
  server = await startFixture('behaviours.mjs');
});
afterAll(async () => {
  await server.close();
});

const req = (spec: Record<string, unknown>) => requestSchema.parse(spec);
const run = (o: Partial<LoadOptions> & Pick<LoadOptions, 'model'>) =>
  runner.run({
    baseUrl: server.url,
    requests: [req({ path: '/fast' })],
    durationMs: 2000,
    warmupMs: 0,
    timeoutMs: 2000,
    ...o,
  });
const hits = async (): Promise<Record<string, number>> =>
  (await fetch(`${server.url}/hits`)).json() as Promise<Record<string, number>>;

describe('latency precision', () => {
  it('reports a sub-millisecond, non-zero p50 for a trivial server', async () => {
    const m = await run({ model: { kind: 'closed', connections: 1 } });
    expect(m.latency.p50).toBeGreaterThan(0);
    expect(m.latency.p50).toBeLessThan(1);
    expect(m.latency.min).toBeGreaterThan(0);
    // µs resolution: values are not whole milliseconds.
    expect(Number.isInteger(m.latency.p50)).toBe(false);
  });

  it.each([
    ['closed', { kind: 'closed', connections: 1 }],
    ['open', { kind: 'open', rate: 100, maxInFlight: 64, maxConnections: 64 }],
  ] as const)(
    'measures at least the 2 ms a server spends per request, and no more than that for the fastest request (%s model)',
    async (_name, model) => {
      const m = await run({ model, requests: [req({ path: '/cpu?ms=2' })], durationMs: 3000 });
      // Never below the 2 ms the server spends.
      expect(m.latency.min).toBeGreaterThanOrEqual(2);
      expect(m.latency.p50).toBeGreaterThanOrEqual(2);
      // The fastest request shows the measurement itself, without the machine's scheduling delays:
      // it read 2.05–2.32 ms in 24 runs, with none, one or two busy processes on the 2 cores. A
      // request charged for waiting behind the one before it could not read below 4 ms.
      expect(m.latency.min).toBeLessThan(3);
      // The median carries those delays: 2.1–3.7 ms without added load (the old bound of 4 ms), up
      // to 4.7 ms with one busy process and 5.9 ms with two. Under 10 ms rules out a unit or clock error.
      expect(m.latency.p50).toBeLessThan(10);
      expect(m.errors.total).toBe(0);
    },
  );
});

describe('open model', () => {
  it('delivers the configured rate within 2% over 8 s', async () => {
    const m = await run({ model: { kind: 'open', rate: 500, maxInFlight: 64, maxConnections: 64 }, durationMs: 8_000 });
    expect(m.throughput.rps).toBeGreaterThan(500 * 0.98);
    expect(m.throughput.rps).toBeLessThan(500 * 1.02);
    expect(m.requests.dropped).toBe(0);
    expect(m.timeline).toHaveLength(8);
    for (const point of m.timeline) expect(Math.abs(point.rps - 500)).toBeLessThanOrEqual(25);
  }, 40_000);

  it('charges queueing to latency and counts dropped arrivals when maxInFlight is reached', async () => {
    // 2 slots, 20 ms per answer: at most 100 req/s get through of 400 offered.
    const m = await run({
      model: { kind: 'open', rate: 400, maxInFlight: 2, maxConnections: 2 },
      requests: [req({ path: '/cpu?ms=20' })],
      durationMs: 2000,
    });
    expect(m.requests.dropped).toBeGreaterThan(200);
    expect(m.requests.total).toBeLessThan(250);
    expect(m.latency.p50).toBeGreaterThanOrEqual(20);
  });
});

describe('warmup and mix', () => {
  it('leaves warmup out of the statistics and of requests.total', async () => {
    const before = (await hits())['/fast'] ?? 0;
    const m = await run({
      model: { kind: 'open', rate: 200, maxInFlight: 64, maxConnections: 64 },
      warmupMs: 1000,
      durationMs: 2000,
    });
    const sent = ((await hits())['/fast'] ?? 0) - before;
    expect(sent).toBeGreaterThanOrEqual(590);
    expect(m.requests.total).toBeGreaterThanOrEqual(396);
    expect(m.requests.total).toBeLessThanOrEqual(404);
    expect(m.warmupSec).toBe(1);
    expect(m.timeline).toHaveLength(2);
  });

  it('sends the weighted mix in proportion to the weights, bodies and headers included', async () => {
    const before = await hits();
    await run({
      model: { kind: 'closed', connections: 4 },
      requests: [req({ path: '/fast', weight: 3 }), req({ method: 'POST', path: '/echo', body: { a: 1 }, weight: 1 })],
      durationMs: 1500,
    });
    const after = await hits();
    const fast = (after['/fast'] ?? 0) - (before['/fast'] ?? 0);
    const echo = (after['/echo'] ?? 0) - (before['/echo'] ?? 0);
    expect(fast / echo).toBeGreaterThan(2.8);
    expect(fast / echo).toBeLessThan(3.2);
  });

  it('spreads a weighted cycle evenly instead of in runs', () => {
    const cycle = weightedCycle([
      { id: 'a', weight: 3 },
      { id: 'b', weight: 1 },
    ]).map((x) => x.id);
    expect(cycle).toEqual(['a', 'a', 'b', 'a']);
    expect(
      weightedCycle([
        { id: 'x', weight: 0.5 },
        { id: 'y', weight: 1.5 },
      ]).filter((x) => x.id === 'y'),
    ).toHaveLength(3);
  });
});

describe('errors', () => {
  const closed = { kind: 'closed', connections: 2 } as const;
  const open = { kind: 'open', rate: 200, maxInFlight: 64, maxConnections: 64 } as const;
  it.each([
    ['4xx', '/missing', { '4xx': 1 }, closed],
    ['5xx', '/boom', { '5xx': 1 }, closed],
    ['reset', '/reset', { reset: 1 }, closed],
    ['4xx', '/missing', { '4xx': 1 }, open],
    ['5xx', '/boom', { '5xx': 1 }, open],
    ['reset', '/reset', { reset: 1 }, open],
  ] as const)('classifies %s and reconciles ok + errors = total (%o)', async (_n, path, shape, model) => {
    const m = await run({ model, requests: [req({ path: '/fast' }), req({ path })], durationMs: 1000 });
    expect(m.requests.ok + m.errors.total).toBe(m.requests.total);
    const cls = Object.keys(shape)[0] as keyof typeof m.errors.byClass;
    expect(m.errors.byClass[cls]).toBeGreaterThan(0);
    expect(Object.values(m.errors.byClass).reduce((a, b) => a + b, 0)).toBe(m.errors.total);
    expect(m.errors.samples.length).toBeGreaterThan(0);
  });

  it.each([
    ['closed', { kind: 'closed', connections: 2 }],
    ['open', { kind: 'open', rate: 20, maxInFlight: 64, maxConnections: 64 }],
  ] as const)('counts a server that never answers as timeouts (%s model)', async (_n, model) => {
    const m = await run({ model, requests: [req({ path: '/hang' })], durationMs: 2000, timeoutMs: 1000 });
    expect(m.errors.byClass.timeout).toBeGreaterThan(0);
    expect(m.requests.ok).toBe(0);
  });

  it.each([
    ['closed', { kind: 'closed', connections: 2 }],
    ['open', { kind: 'open', rate: 50, maxInFlight: 64, maxConnections: 64 }],
  ] as const)('counts a closed port as refused connections (%s model)', async (_n, model) => {
    const { freePort } = await import('../helpers/processes.js');
    const port = await freePort();
    const m = await runner.run({
      baseUrl: `http://127.0.0.1:${port}`,
      requests: [req({})],
      model,
      durationMs: 1000,
      warmupMs: 0,
      timeoutMs: 1000,
    });
    expect(m.errors.byClass.refused).toBeGreaterThan(0);
    expect(m.requests.ok).toBe(0);
    expect(m.errors.total).toBe(m.requests.total);
  });

  it('stops early when its signal is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const t0 = Date.now();
    const m = await run({ model: { kind: 'closed', connections: 2 }, durationMs: 10_000, signal: controller.signal });
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(m.durationSec).toBeLessThan(1.5);
    expect(m.requests.total).toBeGreaterThan(0);
  });
});
