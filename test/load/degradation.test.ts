import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { detectDegradation } from '../../src/load/degradation.js';
import { LoadRecorder } from '../../src/load/recorder.js';
import type { TimelinePoint } from '../../src/model/result.js';

const series = (n: number, f: (i: number) => Partial<TimelinePoint>): TimelinePoint[] =>
  Array.from({ length: n }, (_, i) => ({ t: i, rps: 1000, p50: 2, p99: 10, errors: 0, ...f(i) }));

describe('detectDegradation', () => {
  it('says nothing about runs shorter than six seconds', () => {
    expect(detectDegradation(series(5, () => ({})))).toBeUndefined();
  });

  it.each([
    ['a steady run', series(12, (i) => ({ p99: 10 + (i % 2) })), false, /stable/],
    [
      'one slow second (a GC pause) in the last third',
      series(12, (i) => ({ p99: i === 10 ? 80 : 10 })),
      false,
      /stable/,
    ],
    [
      'latency that climbs as the run goes on (a leak)',
      series(12, (i) => ({ p50: 2 + i, p99: 10 + 3 * i })),
      true,
      /p50 rose .*p99 rose/,
    ],
    ['throughput that falls by half', series(12, (i) => ({ rps: i < 6 ? 1000 : 450 })), true, /throughput fell 55%/],
    [
      'errors that appear late',
      series(12, (i) => ({ errors: i >= 8 ? 50 : 0 })),
      true,
      /error rate rose by 5\.0 points/,
    ],
  ])('%s → degraded %s', (_name, timeline, degraded, detail) => {
    const d = detectDegradation(timeline);
    expect(d?.degraded).toBe(degraded);
    expect(d?.detail).toMatch(detail);
  });
});

describe('LoadRecorder', () => {
  it('keeps warmup out, reconciles counts, keeps µs precision and encodes the full histogram', () => {
    const r = new LoadRecorder(0, 1000);
    r.response(500, 50, 200, 10); // warmup
    for (let i = 0; i < 100; i++) r.response(1000 + i * 20, 0.25 + i * 0.001, 200, 100);
    r.response(2500, 1, 503, 5);
    r.failure(2600, 'timeout', 'request timed out');
    const m = r.finish(3000);
    expect(m.requests).toEqual({ total: 102, ok: 100, dropped: 0 });
    expect(m.errors.total).toBe(2);
    expect(m.errors.byClass['5xx']).toBe(1);
    expect(m.errors.byClass.timeout).toBe(1);
    expect(m.errors.byStatus).toEqual({ '503': 1 });
    expect(m.latency.min).toBeCloseTo(0.25, 3);
    expect(m.latency.p50).toBeGreaterThan(0.29);
    expect(m.latency.p50).toBeLessThan(0.31);
    expect(m.latency.max).toBeCloseTo(1, 2);
    // Throughput counts the 101 answers (the 503 too), not the timeout that got none.
    expect(m.throughput.rps).toBeCloseTo(50.5, 5);
    expect(m.timeline.map((p) => p.rps)).toEqual([50, 51]);
    const decoded = hdr.decodeFromCompressedBase64(m.histogram ?? '');
    expect(decoded.totalCount).toBe(101);
  });
});
