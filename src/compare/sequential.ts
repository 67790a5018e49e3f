/**
 * Group-sequential A/B (issue 18, `ab.sequential`): the pairs run in blocks, and after each block
 * the comparison is made at that look's share of alpha; the A/B stops as soon as every gated
 * metric is decided (a change that may matter, or an interval inside ±minEffect), else at `ab.pairs`.
 *
 * Alpha is spent with the Hwang–Shih–DeCani function α(t) = α·(1 − e^(4t))/(1 − e⁴) (γ = −4), t
 * the share of the planned pairs run; look k tests at the increment α(t_k) − α(t_{k−1}). The
 * increments sum to alpha, so the chance of any false alarm over all looks is at most alpha
 * (Bonferroni over the looks, conservative), however the stops fall; stopping because an interval
 * lies inside the gate never adds one.
 *
 * Why γ = −4 and not the O'Brien–Fleming-type function used before: both keep most of alpha for the
 * last look, but O'Brien–Fleming gives the first half of the pairs so little (2.8e-4 of 0.01 at 16
 * of 32) that a signed-rank test over the usual four metrics (Holm) could not flag anything before
 * 16 pairs, however large the change; γ = −4 gives 7.4e-4 at 14 of 35, which 14 pairs that all
 * agree reach (4 metrics × 2/2¹⁴ = 4.9e-4), so a clear change stops a block earlier (issue 18's
 * "≥ 10 % decided in ≤ 90 s"). Measured over seeded runs (bench/ab-simulation.ts … designs): the
 * same false-alarm rate, and with at most 35 pairs in blocks of 7 (the default) more power at
 * +2 % and +3 % than 32 in blocks of 8 had.
 *
 * A look whose pairs cannot reach the alpha it would get (a signed-rank test on n pairs never goes
 * below p = 2/2ⁿ) spends none: its share carries to the next look, and the look only stops the A/B
 * when every interval lies inside ±minEffect. Which looks spend depends on the plan only.
 * bench/ab-simulation.ts measures the design over 10,000 seeded runs per case.
 */
import type { ComparedMetric } from '../model/compare.js';
import { isRatioMetric } from './metrics.js';
import { minimumPairsFor } from './signed-rank.js';

export interface SequentialPlan {
  /** Pairs run when each look is made; the last is ab.pairs. */
  looks: number[];
  /** The alpha each look tests at (its increment of the spending function). */
  alphas: number[];
}

/** The spending function's shape: γ = −4 keeps most of alpha for the last look (see above). */
const SPENDING_GAMMA = -4;

/**
 * The Hwang–Shih–DeCani spending function of shape `gamma`: the cumulative alpha spent when a
 * share `t` of the planned pairs has run (bench/ab-simulation.ts … designs compares shapes).
 */
export const hwangShihDeCani =
  (gamma: number) =>
  (alpha: number, t: number): number => {
    if (t >= 1) return alpha;
    if (t <= 0) return 0;
    return (alpha * (1 - Math.exp(-gamma * t))) / (1 - Math.exp(-gamma));
  };

/** Cumulative alpha spent when a share `t` of the planned pairs has run (Hwang–Shih–DeCani, γ = −4). */
export const alphaSpent = hwangShihDeCani(SPENDING_GAMMA);

/**
 * The looks at every `block` pairs up to `pairs`, and the alpha each spends. `spend` is the
 * cumulative spending function (alphaSpent; bench/ab-simulation.ts passes others to compare them).
 */
export function sequentialPlan(
  pairs: number,
  block: number,
  alpha: number,
  spend: (alpha: number, t: number) => number = alphaSpent,
): SequentialPlan {
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
  const alphas = looks.map((n, i) => {
    if (i === looks.length - 1) return Math.max(0, alpha - spent);
    const increment = Math.max(0, spend(alpha, n / pairs) - spent);
    // A look that cannot reach its alpha keeps it for the next (7 pairs never get below p = 0.016).
    if (n < minimumPairsFor(increment)) return 0;
    spent += increment;
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
