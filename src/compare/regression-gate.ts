/**
 * The regression gate: a run fails only on a metric whose verdict is a significant regression
 * AND whose estimated change is past its configured threshold (gates.regression). Everything
 * else is reported, not failed on.
 */
import { subjectOf, type Comparison, type ComparedMetric } from '../model/compare.js';
import { percentileLabel } from '../model/percentiles.js';
import { isRatioMetric, worseDirection } from './metrics.js';

/** A significant regression past its gate (of any level). */
function pastThreshold(m: ComparedMetric): boolean {
  if (m.verdict !== 'regression' || m.threshold === undefined) return false;
  if (!isRatioMetric(m.metric)) return m.current - m.baseline > m.threshold;
  const change = worseDirection(m.metric) > 0 ? m.ratio - 1 : 1 - m.ratio;
  return change > m.threshold;
}

function describeChange(m: ComparedMetric): string {
  if (!isRatioMetric(m.metric)) {
    const pp = (v: number) => `${(v * 100).toFixed(2)}%`;
    return `error rate ${pp(m.baseline)} → ${pp(m.current)} (difference CI ${pp(m.ci[0])}…${pp(m.ci[1])})`;
  }
  const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;
  return `${percentileLabel(m.metric)} ${pct(m.ratio)} (ratio ${m.ratio.toFixed(3)}, CI ${m.ci[0].toFixed(3)}–${m.ci[1].toFixed(3)})`;
}

/**
 * The gated metrics past their threshold, in words: `failures` fail the run; `warnings` are those
 * of a `level: warn` gate, reported and annotated without failing it.
 */
/** The rows that fail the run: a significant regression past a gate that is not `level: warn`. */
export function gatedRegressionRows(comparison: Comparison): ComparedMetric[] {
  return comparison.metrics.filter((m) => pastThreshold(m) && m.level !== 'warn');
}

export function regressionFindings(comparison: Comparison): { failures: string[]; warnings: string[] } {
  const past = comparison.metrics.filter(pastThreshold).map((m) => {
    const p = m.pValue === null ? '' : `, p=${m.pValue < 0.001 ? m.pValue.toExponential(1) : m.pValue.toFixed(3)}`;
    const text = `${subjectOf(m)} ${describeChange(m)}${p} is past the ${((m.threshold ?? 0) * 100).toFixed(1)}% threshold`;
    return { text, warn: m.level === 'warn' };
  });
  return {
    failures: past.filter((f) => !f.warn).map((f) => `regression: ${f.text}`),
    warnings: past.filter((f) => f.warn).map((f) => `regression (level: warn): ${f.text}`),
  };
}

/**
 * Gated rows of a same-runner A/B that could not see their gate: the interval still reaches the
 * threshold (verdict `inconclusive`), or the printed MDE is above it. Such a run is
 * `inconclusive`, never a pass (issue 14): "no regression" would claim what was not measured.
 * A stored-baseline comparison raises its thresholds to the history's noise floor instead
 * (compare/history.ts), so this applies to the A/B only.
 */
export function unseenGateRows(comparison: Comparison): ComparedMetric[] {
  if (comparison.method !== 'ab') return [];
  return comparison.metrics.filter(
    (m) =>
      m.threshold !== undefined &&
      m.level !== 'warn' &&
      isRatioMetric(m.metric) &&
      (m.verdict === 'inconclusive' || (m.verdict === 'no-change' && m.mde !== null && m.mde > m.threshold)),
  );
}

/**
 * A row whose whole interval is past its gate, yet without a verdict: the pairs were too few for
 * the test to reach significance (4 pairs read "could not be told from a 5 % change" beside +19 %).
 */
export function pastGateUncalled(m: ComparedMetric): boolean {
  if (m.threshold === undefined || !isRatioMetric(m.metric)) return false;
  const nearest = worseDirection(m.metric) > 0 ? m.ci[0] - 1 : 1 - m.ci[1];
  return nearest > m.threshold;
}

/** unseenGateRows in words, for the run's reasons. */
export function unseenGates(comparison: Comparison): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return unseenGateRows(comparison).map((m) => {
    const mde = m.mde === null ? 'n/a: too few pairs' : pct(m.mde);
    const what = `${subjectOf(m)} ${percentileLabel(m.metric)}`;
    const change = `${m.ratio >= 1 ? '+' : ''}${pct(m.ratio - 1)}, CI ${m.ci[0].toFixed(3)}–${m.ci[1].toFixed(3)}`;
    if (pastGateUncalled(m))
      return `inconclusive: ${what} ${change} is past the ${pct(m.threshold ?? 0)} gate, but too few pairs to call it significant (MDE ${mde}): more pairs (ab.pairs) decide it`;
    return `inconclusive: ${what} could not be told from a ${pct(m.threshold ?? 0)} change (MDE ${mde}, change ${change}): more pairs or longer trials (ab.pairs, ab.trialDuration) narrow it`;
  });
}
