/**
 * Seeded simulations of the paired A/B comparison against known truths, with the noise measured
 * on this machine (per-pair log-ratio SD: p50 2.2 %, p99 6.0 %, throughput 1.3 %; p90 assumed
 * 3.5 %), metrics correlated within a pair, and 3 % of pairs hit by a ±15 % CPU-steal burst.
 */
import { describe, expect, it } from 'vitest';
import { comparePaired, type TrialPair } from '../../src/compare/paired.js';
import { abSchema } from '../../src/config/sections/regression.js';
import { sequentialPlan } from '../../src/compare/sequential.js';
import { runSequential, simulatePairs } from '../helpers/ab-simulation.js';

const DEFAULTS = abSchema.parse(undefined);
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

  // The verdict flags a significant change whose interval reaches minEffect, and the default design
  // is sequential: at most 35 pairs, looked at every 7 (issue 18's targets, measured at 10,000
  // runs per case by bench/ab-simulation.ts). The stopping rule must keep the false alarms down too.
  describe(`the default sequential design (at most ${DEFAULTS.pairs} pairs, a look every ${DEFAULTS.sequential ? DEFAULTS.sequential.block : '-'})`, () => {
    const plan = sequentialPlan(
      DEFAULTS.pairs,
      DEFAULTS.sequential ? DEFAULTS.sequential.block : DEFAULTS.pairs,
      DEFAULTS.alpha,
    );
    const gates = { p50: 0.05, throughput: 0.05 };
    const sequential = (seed: number, change: number) =>
      runSequential(simulatePairs(seed, DEFAULTS.pairs, change), plan, { minEffect: DEFAULTS.minEffect, gates });

    it('flags identical code in at most 1 % of runs, over all its looks', () => {
      let alarms = 0;
      for (let s = 1; s <= RUNS; s++)
        if (sequential(40_000 + s, 0).metrics.some((m) => m.verdict === 'regression' || m.verdict === 'improvement'))
          alarms++;
      expect(alarms / RUNS).toBeLessThanOrEqual(0.01);
    });

    it.each([
      { label: '+3 %', change: 0.03, power: 0.95, share: '95 %' },
      { label: '+2 %', change: 0.02, power: 0.8, share: '80 %' },
    ])('flags a true $label p50 and the matching throughput drop in at least $share of runs', ({ change, power }) => {
      let p50 = 0;
      let throughput = 0;
      for (let s = 1; s <= RUNS; s++) {
        const { metrics } = sequential(50_000 + change * 1e6 + s, change);
        if (metrics.find((m) => m.metric === 'p50')?.verdict === 'regression') p50++;
        if (metrics.find((m) => m.metric === 'throughput')?.verdict === 'regression') throughput++;
      }
      expect(p50 / RUNS).toBeGreaterThanOrEqual(power);
      expect(throughput / RUNS).toBeGreaterThanOrEqual(power);
    });

    it('decides a clear (+10 %) change at the second look (14 pairs, under 90 s of load)', () => {
      const second = plan.looks[1];
      expect(second).toBe(14);
      let pairs = 0;
      let bySecond = 0;
      for (let s = 1; s <= RUNS; s++) {
        const ran = sequential(60_000 + s, 0.1).pairs;
        pairs += ran;
        if (ran <= (second ?? 0)) bySecond++;
      }
      expect(bySecond / RUNS).toBeGreaterThanOrEqual(0.95);
      expect(pairs / RUNS).toBeLessThanOrEqual(14.5);
    });
  });

  it('reports an MDE near the noise-based expectation and flags nothing in identical runs', () => {
    const c = compare(simulatePairs(3, DEFAULTS.pairs, 0));
    const p50 = c.metrics.find((m) => m.metric === 'p50')!;
    const rps = c.metrics.find((m) => m.metric === 'throughput')!;
    // Expected at 35 pairs, alpha 0.01 / 4 metrics: (3.02 + 1.64) · SD / √(35 · 0.955) ≈ 0.8 · SD.
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
