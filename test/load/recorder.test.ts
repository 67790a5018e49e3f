/**
 * The recorder's books: throughput counts answers, not attempts. An open model past its capacity
 * (sockets exhausted, EMFILE) once read its offered 16,000/s as throughput (issue 17).
 */
import { describe, expect, it } from 'vitest';
import { LoadRecorder } from '../../src/load/recorder.js';

describe('throughput', () => {
  it('is answers per second, whatever their status; attempts without an answer are errors only', () => {
    const r = new LoadRecorder(0, 0);
    for (let i = 0; i < 1000; i++) {
      const at = i; // 1000 events over the first second
      if (i % 4 === 0) r.failure(at, 'other', 'connect EMFILE');
      else if (i % 4 === 1) r.response(at, 2, 503, 10);
      else r.response(at, 2, 200, 10);
    }
    const m = r.finish(2000);
    expect(m.requests.total).toBe(1000);
    expect(m.errors.byClass.other).toBe(250);
    expect(m.errors.byClass['5xx']).toBe(250);
    expect(m.throughput.rps).toBe(750 / 2);
    expect(m.timeline[0]?.rps).toBe(750);
    expect(m.timeline[1]?.rps).toBe(0);
  });

  it('is zero when nothing answered, with every attempt an error', () => {
    const r = new LoadRecorder(0, 0);
    for (let i = 0; i < 100; i++) r.failure(i * 10, 'refused', 'connect ECONNREFUSED');
    const m = r.finish(1000);
    expect(m.throughput.rps).toBe(0);
    expect(m.errors.total).toBe(100);
    expect(m.timeline[0]).toMatchObject({ rps: 0, errors: 100, p50: 0, p99: 0 });
  });
});

describe('the recorder after finish()', () => {
  it('ignores a straggling answer or failure (its histograms are freed) and refuses a second finish', () => {
    const seconds: number[] = [];
    const r = new LoadRecorder(0, 0, (s) => seconds.push(s.t), [{ name: 'a', method: 'GET', path: '/' }]);
    for (let i = 0; i < 100; i++) r.response(i * 10, 1.5, 200, 10);
    const m = r.finish(1000);
    expect(m.requests.total).toBe(100);
    expect(m.latency.p50).toBeCloseTo(1.5, 2);
    expect(m.endpoints?.[0]?.requests.total).toBe(100);
    // An engine's late events (an answer that arrives as the run stops) change nothing and do not throw.
    r.response(1500, 2, 200, 10);
    r.failure(1500, 'reset', 'socket hang up');
    r.tick(5000);
    expect(seconds).toEqual([]);
    expect(() => r.finish(2000)).toThrow(/finishes once/);
  });

  it('keeps microsecond resolution from 1 µs to an hour, in the profile and in each second', () => {
    const r = new LoadRecorder(0, 0);
    r.response(10, 0.001, 200, 1);
    r.response(20, 0.25, 200, 1);
    r.response(30, 3_500_000, 200, 1);
    const m = r.finish(1000);
    expect(m.latency.min).toBe(0.001);
    expect(m.latency.p50).toBeCloseTo(0.25, 3);
    expect(m.latency.max / 3_500_000).toBeCloseTo(1, 2);
    expect(m.timeline[0]?.p50).toBeCloseTo(0.25, 2);
  });
});
