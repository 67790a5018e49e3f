/**
 * Per-endpoint results (issue 13): each request name keeps its own counts, errors and histogram in
 * both load models, and the profile's counts are their sums.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSchema } from '../../src/config/sections/request.js';
import { compileWorkload } from '../../src/load/compile.js';
import { createLoadRunner } from '../../src/load/index.js';
import type { LoadModel } from '../../src/load/types.js';
import { startFixture, type FixtureServer } from '../helpers/servers.js';

const runner = createLoadRunner();
let server: FixtureServer;
beforeAll(async () => {
  server = await startFixture('behaviours.mjs');
});
afterAll(async () => {
  await server.close();
});

describe.each<[string, LoadModel]>([
  ['closed', { kind: 'closed', connections: 2 }],
  ['open', { kind: 'open', rate: 200, maxInFlight: 64, maxConnections: 64 }],
])('endpoints in the %s model', (_name, model) => {
  it('keeps each name’s numbers apart, and the profile’s are their sums', async () => {
    const m = await runner.run({
      baseUrl: server.url,
      model,
      requests: [
        requestSchema.parse({ path: '/fast', weight: 3 }),
        requestSchema.parse({ name: 'broken', path: '/boom' }),
        requestSchema.parse({ name: 'broken', path: '/missing' }),
      ],
      durationMs: 1000,
      warmupMs: 0,
      timeoutMs: 2000,
    });
    const endpoints = m.endpoints ?? [];
    expect(endpoints.map((e) => [e.name, e.method, e.path])).toEqual([
      ['GET /fast', 'GET', '/fast'],
      ['broken', 'GET', '/boom'],
    ]);
    const [fast, broken] = endpoints;
    expect(fast?.errors.total).toBe(0);
    expect(fast?.requests.ok).toBeGreaterThan(10);
    expect(fast?.histogram).toBeTruthy();
    expect(broken?.requests.ok).toBe(0);
    expect(broken?.errors.byClass).toMatchObject({ '5xx': expect.any(Number), '4xx': expect.any(Number) });
    expect((broken?.errors.byClass['5xx'] ?? 0) > 0 && (broken?.errors.byClass['4xx'] ?? 0) > 0).toBe(true);
    expect(broken?.errors.samples).toEqual(expect.arrayContaining(['HTTP 500', 'HTTP 404']));
    // The mix is 3 : 1 : 1, so /fast carries about 60 % of the requests.
    const share = (fast?.requests.total ?? 0) / m.requests.total;
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.7);
    expect(endpoints.reduce((s, e) => s + e.requests.total, 0)).toBe(m.requests.total);
    expect(endpoints.reduce((s, e) => s + e.errors.total, 0)).toBe(m.errors.total);
    expect(m.errors.samples.some((x) => x.startsWith('broken: HTTP'))).toBe(true);
  });
});

describe.each<[string, LoadModel]>([
  ['closed', { kind: 'closed', connections: 2 }],
  ['open', { kind: 'open', rate: 200, maxInFlight: 64, maxConnections: 64 }],
])('templated requests in the %s model', (_name, model) => {
  it('renders each send from its data row, and never sends a header value with a line break', async () => {
    const requests = [requestSchema.parse({ path: '/echo?item={{item}}', headers: { 'x-item': '{{item}}' } })];
    const workload = compileWorkload({
      requests,
      variables: {},
      field: 'profiles[0]',
      data: {
        set: { file: 'items.csv', columns: ['item'], rows: [{ item: 'a b' }, { item: 'evil\r\nx-injected: 1' }] },
        order: 'sequential',
        onEnd: 'wrap',
        scope: 'request',
      },
    });
    const m = await runner.run({
      baseUrl: server.url,
      model,
      requests,
      workload,
      durationMs: 1000,
      warmupMs: 0,
      timeoutMs: 2000,
    });
    expect(m.requests.ok).toBeGreaterThan(10);
    expect(m.errors.byClass.other).toBeGreaterThan(10);
    expect(m.errors.total).toBe(m.errors.byClass.other);
    expect(m.errors.samples.join('\n')).toMatch(/control character/);
    expect(m.errors.samples.join('\n')).not.toContain('evil');
  });
});
