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
