/**
 * Group-sequential A/B (issue 18, `ab.sequential`): the pairs run in blocks, and after each block
 * the comparison is made at that look's share of alpha; the A/B stops as soon as every gated
 * metric is decided (a change that may matter, or an interval inside ±minEffect), else at `ab.pairs`.
 *
 * Alpha is spent with the Lan–DeMets O'Brien–Fleming-type function α(t) = 2 − 2Φ(z₁₋α/₂ / √t), t
 * the share of the planned pairs run; look k tests at the increment α(t_k) − α(t_{k−1}). The
 * increments sum to alpha, so the chance of any false alarm over all looks is at most alpha
 * (Bonferroni over the looks, conservative), however the stops fall; stopping because an interval
 * lies inside the gate never adds one. Early looks get almost nothing (a signed-rank test on 8
 * pairs cannot reject at all), so only a change far past the noise stops early, and the last look
 * keeps most of alpha. bench/ab-simulation.ts measures it over 10,000 seeded runs per case.
 */
import { errorFunction, probit } from 'simple-statistics';
import type { ComparedMetric } from '../model/compare.js';
import { isRatioMetric } from './metrics.js';

export interface SequentialPlan {
  /** Pairs run when each look is made; the last is ab.pairs. */
  looks: number[];
  /** The alpha each look tests at (its increment of the spending function). */
  alphas: number[];
}

/** Cumulative alpha spent when a share `t` of the planned pairs has run. */
export function obrienFlemingSpent(alpha: number, t: number): number {
  if (t >= 1) return alpha;
  if (t <= 0) return 0;
  const z = probit(1 - alpha / 2);
  // 2 − 2Φ(x) = 1 − erf(x/√2). Not simple-statistics' cumulativeStdNormalProbability: it reads a
  // table that ends at 3.09, so every early look (x above 3.6) came out wrong.
  return Math.min(alpha, Math.max(0, 1 - errorFunction(z / Math.sqrt(t) / Math.SQRT2)));
}

export function sequentialPlan(pairs: number, block: number, alpha: number): SequentialPlan {
  const looks: number[] = [];
  for (let n = block; n < pairs; n += block) looks.push(n);
  // A last block shorter than half a block joins the one before: a look just before the end spends
  // most of alpha and leaves the last too little to reject anything (10 pairs in blocks of 8 left
  // 0.006 of 0.01, which 10 pairs of a signed-rank test over 4 metrics can never reach). Which
  // looks are made depends on the plan only, never on the data, so the spending still holds.
  const last = looks.at(-1);
  if (last !== undefined && pairs - last < block / 2) looks.pop();
  looks.push(pairs);
  let spent = 0;
  const alphas = looks.map((n) => {
    const now = obrienFlemingSpent(alpha, n / pairs);
    const increment = Math.max(0, now - spent);
    spent = Math.max(spent, now);
    return increment;
  });
  return { looks, alphas };
}

/** The alpha of the look made after `pairs` pairs (the last look's when it is not a look). */
export function alphaAt(plan: SequentialPlan, pairs: number): number {
  const i = plan.looks.indexOf(pairs);
  return plan.alphas[i >= 0 ? i : plan.alphas.length - 1] ?? 0;
}

/**
 * Whether a look's comparison decides the A/B: every gated ratio metric (every profile's ratio
 * metric when nothing is gated) is flagged (a regression or an improvement), or its interval lies
 * wholly inside ±minEffect. Anything else (a wide interval, a change not yet significant) needs
 * more pairs.
 */
export function decided(metrics: readonly ComparedMetric[], minEffect: number): boolean {
  const gated = metrics.filter((m) => m.threshold !== undefined && isRatioMetric(m.metric));
  const watched = gated.length ? gated : metrics.filter((m) => m.endpoint === undefined && isRatioMetric(m.metric));
  if (watched.length === 0) return false;
  return watched.every(
    (m) =>
      m.verdict === 'regression' ||
      m.verdict === 'improvement' ||
      (m.ci[0] > 1 / (1 + minEffect) && m.ci[1] < 1 + minEffect),
  );
}
