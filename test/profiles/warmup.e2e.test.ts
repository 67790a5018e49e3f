/**
 * Warm-up until steady (ab.warmup: auto, issue 18) against real loopback servers whose latency
 * is known in time: one that starts slow and speeds up (a cold JIT), one that is steady from the
 * start, one that never settles. The windows run on perfgate's own engine.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRequests } from '../../src/config/sections/request.js';
import { createLoadRunner } from '../../src/load/index.js';
import { isSteady, nextWindowMs, warmUntilSteady, type WarmWindow } from '../../src/profiles/warmup.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server answering after `delayMs(t)`, t the ms since its first request. */
async function server(delayMs: (t: number) => number): Promise<string> {
  let first: number | undefined;
  const s = http.createServer((_req, res) => {
    first ??= performance.now();
    setTimeout(() => res.end('ok'), delayMs(performance.now() - first));
  });
  s.keepAliveTimeout = 5_000;
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const warm = (baseUrl: string, capMs: number) =>
  warmUntilSteady(
    createLoadRunner(),
    {
      baseUrl,
      requests: defaultRequests(),
      model: { kind: 'closed', connections: 4 },
      timeoutMs: 2_000,
    },
    capMs,
  );

describe('warming until steady', () => {
  it('waits out a cold start and stops once three windows agree', async () => {
    // A JIT-like start: 12 ms at first, within 10 % of the final 2 ms only after about 1.5 s.
    const r = await warm(await server((t) => 2 + 10 * Math.exp(-t / 300)), 5_000);
    expect(r.steady).toBe(true);
    expect(r.ms).toBeGreaterThanOrEqual(1_250);
    expect(r.ms).toBeLessThanOrEqual(3_000);
    const [firstWindow] = r.windows;
    const last = r.windows.at(-1)!;
    expect(firstWindow!.p50).toBeGreaterThan(3 * last.p50);
  });

  it('takes only three windows from a server that is warm at once', async () => {
    const r = await warm(await server(() => 2), 5_000);
    expect(r).toMatchObject({ steady: true, ms: 750 });
    expect(r.windows).toHaveLength(3);
  });

  it('stops at the cap, unsettled, when the latency keeps moving', async () => {
    // 2 ms and 8 ms in turns of 250 ms: no three windows agree.
    const r = await warm(await server((t) => (Math.floor(t / 250) % 2 ? 8 : 2)), 1_500);
    expect(r).toMatchObject({ steady: false, ms: 1_500 });
  });
});

describe('the steadiness rule', () => {
  const w = (p50: number, answers = 500, ms = 250): WarmWindow => ({ ms, answers, p50 });

  it('needs three windows within 10 % in p50 and in throughput', () => {
    expect(isSteady([w(2), w(2.1)])).toBe(false);
    expect(isSteady([w(5), w(2), w(2.1), w(2.05)])).toBe(true);
    expect(isSteady([w(2), w(2.3), w(2.1)])).toBe(false);
    expect(isSteady([w(2, 500), w(2, 400), w(2, 500)])).toBe(false);
  });

  it('does not judge windows with too few answers, and lengthens the next one', () => {
    expect(isSteady([w(2, 10), w(2, 10), w(2, 10)])).toBe(false);
    expect(nextWindowMs(undefined)).toBe(250);
    expect(nextWindowMs(w(2, 500))).toBe(250);
    expect(nextWindowMs(w(40, 10))).toBe(1_500);
    expect(nextWindowMs(w(900, 0))).toBe(2_000);
  });
});
