/** The group-sequential A/B (ab.sequential): its alpha spending, its stopping rule, and its error rates by simulation. */
import { describe, expect, it } from 'vitest';
import { alphaSpent, decided, sequentialPlan } from '../../src/compare/sequential.js';
import type { ComparedMetric } from '../../src/model/compare.js';
import { runSequential, simulatePairs } from '../helpers/ab-simulation.js';

const row = (over: Partial<ComparedMetric>): ComparedMetric => ({
  profile: 'api',
  metric: 'p50',
  baseline: 10,
  current: 10,
  ratio: 1,
  ci: [0.99, 1.01],
  pValue: 0.5,
  verdict: 'no-change',
  mde: 0.01,
  threshold: 0.05,
  ...over,
});

describe('alpha spending', () => {
  it('spends little early and all of alpha by the last look', () => {
    // Hwang–Shih–DeCani, γ = −4: α·(1 − e^(4t))/(1 − e⁴).
    expect(alphaSpent(0.01, 0)).toBe(0);
    expect(alphaSpent(0.01, 0.4)).toBeCloseTo(7.375e-4, 7);
    expect(alphaSpent(0.01, 0.5)).toBeCloseTo(1.19e-3, 5);
    expect(alphaSpent(0.01, 1)).toBe(0.01);
    const plan = sequentialPlan(35, 7, 0.01);
    expect(plan.looks).toEqual([7, 14, 21, 28, 35]);
    expect(plan.alphas.reduce((s, a) => s + a, 0)).toBeCloseTo(0.01, 10);
    expect(plan.alphas.slice(1).every((a, i) => a > (plan.alphas[i] ?? 0))).toBe(true);
    // A last block shorter than the others still ends at ab.pairs.
    expect(sequentialPlan(20, 8, 0.01).looks).toEqual([8, 16, 20]);
    // One shorter than half a block joins the block before, so that the last look keeps an alpha
    // that its pairs can reach: 10 pairs in blocks of 8 look once, at 10, with all of alpha.
    expect(sequentialPlan(10, 8, 0.01)).toEqual({ looks: [10], alphas: [0.01] });
    expect(sequentialPlan(35, 8, 0.01).looks).toEqual([8, 16, 24, 35]);
    expect(sequentialPlan(8, 8, 0.01).looks).toEqual([8]);
  });

  it('gives a look too early to reach its alpha none, and the next look its share', () => {
    const plan = sequentialPlan(35, 7, 0.01);
    // 7 pairs never get below p = 2/2⁷ = 0.016: the first look spends nothing ...
    expect(plan.alphas[0]).toBe(0);
    // ... and the second gets all that was spent by then, which 14 pairs that agree reach across 4 metrics (Holm).
    expect(plan.alphas[1]).toBeCloseTo(alphaSpent(0.01, 14 / 35), 12);
    expect(plan.alphas[1]!).toBeGreaterThan((4 * 2) / 2 ** 14);
    // With every look reachable nothing carries: each look gets its own increment.
    const wide = sequentialPlan(40, 20, 0.01);
    expect(wide.alphas[0]).toBeCloseTo(alphaSpent(0.01, 0.5), 12);
    expect(wide.alphas[1]).toBeCloseTo(0.01 - alphaSpent(0.01, 0.5), 12);
  });
});

describe('the stopping rule', () => {
  it('stops when every gated metric is flagged or its interval lies inside ±minEffect', () => {
    expect(decided([row({})], 0.02)).toBe(true);
    expect(decided([row({ verdict: 'regression', ci: [1.06, 1.12] })], 0.02)).toBe(true);
    expect(decided([row({ ci: [0.97, 1.01] })], 0.02)).toBe(false);
    expect(decided([row({ verdict: 'inconclusive', ci: [0.99, 1.08] })], 0.02)).toBe(false);
    // Only the gated metrics count when there are any; an ungated wide p99 does not hold the A/B.
    expect(decided([row({}), row({ metric: 'p99', threshold: undefined, ci: [0.8, 1.3] })], 0.02)).toBe(true);
    expect(decided([], 0.02)).toBe(false);
  });
});

describe('sequential A/B on simulated runner noise (fixed seeds)', () => {
  const RUNS = 1000;
  const plan = sequentialPlan(32, 8, 0.01);
  const options = { minEffect: 0.02, gates: { p50: 0.05, throughput: 0.05 } };

  it('raises a false alarm in at most 1 % of A/A runs over all its looks', () => {
    let alarms = 0;
    for (let s = 1; s <= RUNS; s++) {
      const { metrics } = runSequential(simulatePairs(40_000 + s, 32, 0), plan, options);
      if (metrics.some((m) => m.verdict === 'regression' || m.verdict === 'improvement')) alarms++;
    }
    expect(alarms / RUNS).toBeLessThanOrEqual(0.01);
  });

  it('flags a true +3 % p50 in at least 95 % of runs, and decides a +10 % one at the second look', () => {
    let found = 0;
    let pairs = 0;
    for (let s = 1; s <= RUNS; s++) {
      const r = runSequential(simulatePairs(50_000 + s, 32, 0.03), plan, options);
      if (r.metrics.find((m) => m.metric === 'p50')?.verdict === 'regression') found++;
      pairs += r.pairs;
    }
    expect(found / RUNS).toBeGreaterThanOrEqual(0.95);
    expect(pairs / RUNS).toBeLessThan(32);
    const clear = runSequential(simulatePairs(60_001, 32, 0.1), plan, options);
    expect(clear.pairs).toBe(16);
    expect(clear.metrics.find((m) => m.metric === 'p50')?.verdict).toBe('regression');
  });
});
