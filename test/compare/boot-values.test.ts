import { describe, expect, it } from 'vitest';
import { bootValues } from '../../src/compare/ab-trials.js';

describe("a boot's value from its trials (ab.trialsPerBoot)", () => {
  it('is the geometric mean of a ratio metric and the plain mean of the error rate', () => {
    const v = bootValues([
      { p50: 2, throughput: 1000, errorRate: 0 },
      { p50: 8, throughput: 4000, errorRate: 0.02 },
    ]);
    expect(v.p50).toBeCloseTo(4, 12);
    expect(v.throughput).toBeCloseTo(2000, 9);
    expect(v.errorRate).toBeCloseTo(0.01, 12);
  });

  it('is the trial itself with one trial per boot, and skips a metric a trial lacks', () => {
    const one = { p50: 3, throughput: 10 };
    expect(bootValues([one])).toBe(one);
    const partial = bootValues([{ p50: 1 }, { p50: 4, p99: 9 }]);
    expect(Object.keys(partial).sort()).toEqual(['p50', 'p99']);
    expect(partial.p50).toBeCloseTo(2, 12);
    expect(partial.p99).toBeCloseTo(9, 12);
  });
});
