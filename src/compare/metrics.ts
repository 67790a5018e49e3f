/**
 * What "worse" means for each compared metric, and how a change is measured: latency and
 * throughput as a ratio (log scale), the error rate as a difference (a ratio of two rates near
 * zero means nothing).
 */
import type { ComparedMetric, MetricName } from '../model/compare.js';
import { COMPARED_METRICS } from '../model/compare.js';
import type { RegressionGate } from '../config/sections/regression.js';
import { byPercentile, percentileName } from '../model/percentiles.js';
import { errorRate } from '../verdict/slo.js';
import { percentileReader } from '../verdict/percentile.js';
import type { EndpointResult, ProfileResult } from '../model/result.js';

export type { MetricName };
export type MetricValues = Partial<Record<MetricName, number>>;
/** gates.regression as parsed: a threshold per metric (any percentile), and the gate's level. */
export type RegressionGates = RegressionGate;

/** +1 when a higher value is worse (latency, errors), −1 when a lower value is worse (throughput). */
export function worseDirection(metric: MetricName): 1 | -1 {
  return metric === 'throughput' ? -1 : 1;
}

/** The error rate is compared as a difference; a change below 0.1 percentage point is noise. */
const ERROR_RATE_MIN_EFFECT = 0.001;

export function isRatioMetric(metric: MetricName): boolean {
  return metric !== 'errorRate';
}

/**
 * The metrics a comparison tests: always p50, p90, p99, throughput and errorRate, and every
 * other percentile gates.regression sets a threshold for, in order of the percentile. Each one is
 * a test in Holm's family, so a gated p95 costs the others a little power, as it should.
 */
export function comparedMetrics(gates: RegressionGates | undefined): MetricName[] {
  const gated = Object.keys(gates ?? {})
    .map((k) => percentileName(k))
    .filter((n): n is NonNullable<typeof n> => n !== undefined && !(COMPARED_METRICS as readonly string[]).includes(n));
  const percentiles = [...new Set([...COMPARED_METRICS.filter((m) => m.startsWith('p')), ...gated])].sort(
    byPercentile,
  ) as MetricName[];
  return [...percentiles, 'throughput', 'errorRate'];
}

/**
 * The compared metrics of one measured profile. A percentile is read from the result's field or
 * its HDR histogram (exact in both comparison methods: A/B trials and stored baselines keep
 * their histograms); one that neither has is left out, never approximated.
 */
export function metricValues(
  p: Pick<ProfileResult | EndpointResult, 'latency' | 'histogram' | 'throughput' | 'requests' | 'errors'>,
  metrics: readonly MetricName[] = COMPARED_METRICS,
): MetricValues {
  const percentile = percentileReader(p);
  const values: MetricValues = {};
  for (const name of metrics) {
    const v = name === 'throughput' ? p.throughput.rps : name === 'errorRate' ? errorRate(p) : percentile(name);
    if (v !== null) values[name] = v;
  }
  return values;
}

/** Change of `current` against `base` on the metric's own scale (log ratio or difference); NaN when undefined. */
export function changeOf(metric: MetricName, base: number, current: number): number {
  if (!isRatioMetric(metric)) return current - base;
  return base > 0 && current > 0 ? Math.log(current / base) : NaN;
}

/** The `ratio` field: current/base; for the error rate with a zero base, floored at 0.01 %. */
export function ratioOf(metric: MetricName, base: number, current: number): number {
  if (base === current) return 1;
  if (metric === 'errorRate') return current / Math.max(base, 1e-4);
  return base > 0 ? current / base : 1;
}

/** Smallest change worth a verdict, on the metric's scale. */
export function materialChange(metric: MetricName, minEffect: number, gate: number | undefined): number {
  if (!isRatioMetric(metric)) return Math.max(ERROR_RATE_MIN_EFFECT, gate ?? 0);
  return Math.log(1 + Math.max(minEffect, gate ?? 0));
}

/**
 * The verdict from a change estimate, its interval and the corrected significance: a
 * regression or improvement needs significance and an interval that reaches `minimum` (the
 * minimum effect) on the side of the change;
 * "no-change" needs the interval to rule out a change past `bound` (the larger of the minimum
 * effect and the gate) in the worse direction; otherwise "inconclusive".
 */
export function verdictOf(
  metric: MetricName,
  estimate: number,
  ci: [number, number],
  significant: boolean,
  minimum: number,
  bound: number,
): ComparedMetric['verdict'] {
  const worse = worseDirection(metric);
  // A change (the interval excludes zero) that may be material (the interval reaches minEffect on
  // its side). Requiring the estimate itself past minEffect flagged a true change of exactly that
  // size half the time (issue 18); whether it is past a gate is the gate's question (the estimate
  // against the threshold, regression-gate.ts).
  const reach = estimate > 0 ? ci[1] : -ci[0];
  if (significant && reach >= minimum) return worse * estimate > 0 ? 'regression' : 'improvement';
  const worstCase = worse > 0 ? ci[1] : -ci[0];
  return worstCase < bound ? 'no-change' : 'inconclusive';
}

/** Express a change on the metric's scale as the `ci` bound (ratio for ratio metrics, difference otherwise). */
export function toReported(metric: MetricName, change: number): number {
  return isRatioMetric(metric) ? Math.exp(change) : change;
}
