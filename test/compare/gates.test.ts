import { describe, expect, it } from 'vitest';
import { DEFAULT_REGRESSION_GATES, regressionGatesOf } from '../../src/compare/gates.js';
import { comparePaired, type TrialPair } from '../../src/compare/paired.js';
import { regressionFindings } from '../../src/compare/regression-gate.js';

/** 12 pairs where the head is `factor` slower on every latency and `factor` less throughput, with a little noise. */
function pairs(factor: number): TrialPair[] {
  return Array.from({ length: 12 }, (_, i) => {
    const wobble = 1 + (i - 6) * 0.001;
    return {
      base: { p50: 10 * wobble, p90: 12, p99: 15 * wobble, throughput: 1000, errorRate: 0 },
      head: { p50: 10 * factor, p90: 12 * factor, p99: 15 * factor * wobble, throughput: 1000 / factor, errorRate: 0 },
    };
  });
}

describe('regression gates without a configured gates.regression', () => {
  it('are the defaults, and say so', () => {
    const config = { gates: { review: 'fail' as const } } as Parameters<typeof regressionGatesOf>[0]['config'];
    expect(regressionGatesOf({ config })).toEqual({ gates: { ...DEFAULT_REGRESSION_GATES }, source: 'default' });
    const configured = { gates: { review: 'fail' as const, regression: { p90: 0.2 } } } as typeof config;
    expect(regressionGatesOf({ config: configured })).toEqual({ gates: { p90: 0.2 }, source: 'config' });
  });

  it('fail a head 20 % slower on its profile rows, and leave the endpoints ungated', () => {
    const slower = pairs(1.2);
    const c = comparePaired(
      { api: slower },
      { alpha: 0.01, minEffect: 0.02, gates: { ...DEFAULT_REGRESSION_GATES }, gateSource: 'default' },
      { api: { 'GET /a': slower, 'GET /b': slower } },
    );
    const failures = regressionFindings({ method: 'ab', metrics: c.metrics, warnings: [] }).failures;
    expect(failures.map((f) => f.split(' ').slice(0, 3).join(' '))).toEqual([
      'regression: api p50',
      'regression: api p99',
      'regression: api throughput',
    ]);
    expect(c.metrics.filter((m) => m.endpoint !== undefined && m.threshold !== undefined)).toEqual([]);
  });

  it('configured gates apply to the endpoints too', () => {
    const slower = pairs(1.2);
    const c = comparePaired(
      { api: slower },
      { alpha: 0.01, minEffect: 0.02, gates: { p50: 0.05 }, gateSource: 'config' },
      { api: { 'GET /a': slower, 'GET /b': slower } },
    );
    expect(c.metrics.filter((m) => m.endpoint !== undefined && m.threshold === 0.05)).toHaveLength(2);
  });
});

describe('the machine beside an A/B', () => {
  it('is said under the table: the median and the highest trial’s CPU of other processes', async () => {
    const { formatComparisonTable } = await import('../../src/compare/format.js');
    const { comparisonSection } = await import('../../src/report/markdown-compare.js');
    const c = {
      method: 'ab' as const,
      metrics: [],
      warnings: [],
      neighbours: { medianPercent: 3.2, maxPercent: 41.7, trials: 32 },
    };
    const sentence =
      'Other processes on the machine used 3 % of a core in the median trial, 42 % at most (32 trials; CPU not used by the SUT or perfgate).';
    expect(formatComparisonTable(c)).toContain(sentence);
    expect(comparisonSection(c)).toContain(sentence);
  });
});
