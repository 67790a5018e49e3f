/**
 * Seeded simulations of the paired A/B comparison against known truths, with the noise measured
 * on this machine (per-pair log-ratio SD: p50 2.2 %, p99 6.0 %, throughput 1.3 %; p90 assumed
 * 3.5 %), metrics correlated within a pair, and 3 % of pairs hit by a ±15 % CPU-steal burst.
 */
import { describe, expect, it } from 'vitest';
import { comparePaired, type TrialPair } from '../../src/compare/paired.js';
import { normalFrom, seededRandom } from '../../src/compare/prng.js';
import { abSchema } from '../../src/config/sections/regression.js';

const DEFAULTS = abSchema.parse(undefined);
const SD = { p50: 0.022, p90: 0.035, p99: 0.06, throughput: 0.013 };

function simulatePairs(seed: number, pairs: number, slowdown: number): TrialPair[] {
  const random = seededRandom(seed);
  const z = normalFrom(random);
  return Array.from({ length: pairs }, () => {
    const common = z();
    const burst = () => (random() < 0.03 ? (random() - 0.5) * 0.3 : 0);
    // A slower server: latency up by `slowdown`, throughput down by the same factor.
    const moved = (sd: number, dir: 1 | -1) =>
      Math.exp(dir * Math.log(1 + slowdown) + sd * (0.6 * common * dir + 0.8 * z()) + burst());
    const base = { p50: 4 * Math.exp(0.05 * z()), p90: 6, p99: 9, throughput: 1000, errorRate: 0 };
    return {
      base,
      head: {
        p50: base.p50 * moved(SD.p50, 1),
        p90: base.p90 * moved(SD.p90, 1),
        p99: base.p99 * moved(SD.p99, 1),
        throughput: base.throughput * moved(SD.throughput, -1),
        errorRate: 0,
      },
    };
  });
}

const compare = (pairs: TrialPair[]) =>
  comparePaired(
    { api: pairs },
    { alpha: DEFAULTS.alpha, minEffect: DEFAULTS.minEffect, gates: { p50: 0.05, throughput: 0.05 } },
  );

describe('paired A/B on simulated runner noise (fixed seeds)', () => {
  const RUNS = 1000;

  it(`raises a false alarm in at most 1 % of A/A runs at the default ${DEFAULTS.pairs} pairs`, () => {
    let alarms = 0;
    for (let s = 1; s <= RUNS; s++)
      if (
        compare(simulatePairs(s, DEFAULTS.pairs, 0)).metrics.some(
          (m) => m.verdict === 'regression' || m.verdict === 'improvement',
        )
      )
        alarms++;
    expect(alarms / RUNS).toBeLessThanOrEqual(0.01);
  });

  it('finds a 5 % slowdown in the median latency with at least 95 % power at the default pairs', () => {
    let found = 0;
    for (let s = 1; s <= RUNS; s++)
      if (
        compare(simulatePairs(10_000 + s, DEFAULTS.pairs, 0.05)).metrics.find((m) => m.metric === 'p50')?.verdict ===
        'regression'
      )
        found++;
    expect(found / RUNS).toBeGreaterThanOrEqual(0.95);
  });

  it('reports an MDE near the noise-based expectation and flags nothing in identical runs', () => {
    const c = compare(simulatePairs(3, DEFAULTS.pairs, 0));
    const p50 = c.metrics.find((m) => m.metric === 'p50')!;
    const rps = c.metrics.find((m) => m.metric === 'throughput')!;
    // Expected at 16 pairs, alpha 0.01 / 4 metrics: (3.02 + 1.64) · SD / √(16 · 0.955) ≈ 1.2 · SD.
    expect(p50.mde).toBeGreaterThan(0.01);
    expect(p50.mde).toBeLessThan(0.05);
    expect(rps.mde).toBeLessThan(p50.mde!);
    expect(c.metrics.find((m) => m.metric === 'errorRate')).toMatchObject({ pValue: null, verdict: 'no-change' });
  });

  it('fails the gate on a 10 % slowdown and names the metric, ratio and interval', async () => {
    const { regressionFindings } = await import('../../src/compare/regression-gate.js');
    const c = compare(simulatePairs(99, DEFAULTS.pairs, 0.1));
    const reasons = regressionFindings({ method: 'ab', metrics: c.metrics, warnings: [] }).failures;
    expect(
      reasons.some((r) =>
        /^regression: api p50 \+\d+\.\d% \(ratio 1\.\d{3}, CI 1\.\d{3}–1\.\d{3}\).*past the 5\.0% threshold/.test(r),
      ),
    ).toBe(true);
    expect(reasons.some((r) => r.includes('throughput -'))).toBe(true);
  });

  it('warns that too few pairs can never reach significance', () => {
    const c = comparePaired({ api: simulatePairs(5, 6, 0.2) }, { alpha: 0.01, minEffect: 0.02, gates: {} });
    expect(c.metrics.every((m) => m.verdict !== 'regression')).toBe(true);
    expect(c.warnings.join('\n')).toMatch(
      /6 pairs cannot reach significance at alpha 0\.01 across 4 metrics \(Holm\); use at least 10 pairs/,
    );
  });
});
