/**
 * The paired A/B comparison: per profile and metric, the signed-rank test on per-pair changes,
 * the Hodges–Lehmann estimate with its interval, Holm's correction across every tested metric,
 * and the minimum detectable effect of this run's own noise.
 */
import { subjectOf, type ComparedMetric } from '../model/compare.js';
import {
  changeOf,
  comparedMetrics,
  materialChange,
  isRatioMetric,
  ratioOf,
  toReported,
  verdictOf,
  type MetricName,
  type MetricValues,
  type RegressionGates,
} from './metrics.js';
import { thresholdFor, type AppliedGates } from './gates.js';
import {
  hodgesLehmann,
  holmAdjust,
  median,
  minimumDetectableEffect,
  minimumPairsFor,
  robustSd,
  signedRankTest,
} from './signed-rank.js';

export interface TrialPair {
  base: MetricValues;
  head: MetricValues;
}

export interface PairedOptions {
  alpha: number;
  minEffect: number;
  gates: RegressionGates;
  /** `default`: the gates are perfgate's defaults, which gate the profiles' own rows only. */
  gateSource?: AppliedGates['source'];
  /**
   * A look of a sequential A/B before its last: its alpha is tiny on purpose, so an interval that
   * spans every observed change and pairs too few to reach significance are the design, not a
   * fault to warn of (the design line says how it stopped).
   */
  earlyLook?: boolean;
}

export interface PairedComparison {
  metrics: ComparedMetric[];
  warnings: string[];
}

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

/** Each profile, then each of its endpoints, with their trial pairs. */
function subjectsOf(
  pairsByProfile: Record<string, TrialPair[]>,
  pairsByEndpoint: Record<string, Record<string, TrialPair[]>>,
): { profile: string; endpoint: string | undefined; allPairs: TrialPair[] }[] {
  return Object.entries(pairsByProfile).flatMap(([profile, pairs]) => [
    { profile, endpoint: undefined, allPairs: pairs },
    ...Object.entries(pairsByEndpoint[profile] ?? {}).map(([endpoint, p]) => ({ profile, endpoint, allPairs: p })),
  ]);
}

/**
 * `pairsByEndpoint`: per profile of several endpoints, each endpoint's pairs; its rows carry
 * `endpoint` and are tested in the same Holm family as the profiles' own.
 */
export function comparePaired(
  pairsByProfile: Record<string, TrialPair[]>,
  options: PairedOptions,
  pairsByEndpoint: Record<string, Record<string, TrialPair[]>> = {},
): PairedComparison {
  const rows: { metric: ComparedMetric; diffs: number[]; name: MetricName; estimate: number; ci: [number, number] }[] =
    [];
  const warnings: string[] = [];
  for (const { profile, endpoint, allPairs } of subjectsOf(pairsByProfile, pairsByEndpoint)) {
    const label = subjectOf({ profile, endpoint });
    for (const name of comparedMetrics(options.gates)) {
      const pairs = allPairs.flatMap((p) => {
        const [base, head] = [p.base[name], p.head[name]];
        return base === undefined || head === undefined ? [] : [{ base, head }];
      });
      if (pairs.length === 0) {
        if (allPairs.length > 0) warnings.push(`${label} ${name}: not measured in any trial pair, so not compared`);
        continue;
      }
      const diffs = pairs.map((p) => changeOf(name, p.base, p.head)).filter(Number.isFinite);
      const constant = diffs.every((d) => d === 0);
      const test = signedRankTest(diffs);
      const hl = hodgesLehmann(diffs, options.alpha);
      const baseline = median(sorted(pairs.map((p) => p.base)));
      const current = median(sorted(pairs.map((p) => p.head)));
      const gate = thresholdFor(options.gates, options.gateSource, name, endpoint);
      rows.push({
        name,
        diffs,
        estimate: hl.estimate,
        ci: hl.ci,
        metric: {
          profile,
          ...(endpoint === undefined ? {} : { endpoint }),
          metric: name,
          baseline,
          current,
          ratio: isRatioMetric(name) ? Math.exp(hl.estimate) : ratioOf(name, baseline, current),
          ci: [toReported(name, hl.ci[0]), toReported(name, hl.ci[1])],
          pValue: diffs.length === 0 || constant ? null : test.pValue,
          verdict: 'inconclusive',
          mde: null,
          ...(gate !== undefined
            ? { threshold: gate, ...(options.gates.level === 'warn' ? { level: 'warn' } : {}) }
            : {}),
          trials: pairs,
        },
      });
      if (diffs.length > 0 && !hl.exact && !constant && !options.earlyLook) {
        warnings.push(
          `${label} ${name}: ${diffs.length} usable pairs cannot give a ${Math.round((1 - options.alpha) * 100)}% interval; it spans every observed change`,
        );
      }
    }
  }
  const adjusted = holmAdjust(rows.map((r) => r.metric.pValue));
  const family = adjusted.filter((p) => p !== null).length;
  rows.forEach((row, i) => {
    const m = row.metric;
    const p = adjusted[i] ?? null;
    const minimum = materialChange(row.name, options.minEffect, undefined);
    const bound = materialChange(row.name, options.minEffect, m.threshold);
    if (row.diffs.length === 0) m.verdict = 'inconclusive';
    else if (m.pValue === null)
      m.verdict = 'no-change'; // every pair measured the same
    else m.verdict = verdictOf(row.name, row.estimate, row.ci, p !== null && p <= options.alpha, minimum, bound);
    // The MDE at the first Holm step (alpha / family): the change a lone regression must reach.
    const mde = minimumDetectableEffect(robustSd(row.diffs), row.diffs.length, options.alpha / Math.max(1, family));
    m.mde = mde === null ? null : isRatioMetric(row.name) ? Math.exp(mde) - 1 : mde;
  });
  const n = pairsRun(pairsByProfile);
  const needed = minimumPairsFor(options.alpha / Math.max(1, family));
  if (Number.isFinite(n) && n < needed && !options.earlyLook) {
    warnings.push(
      `${n} pairs cannot reach significance at alpha ${Number(options.alpha.toPrecision(2))} across ${family} metrics (Holm); use at least ${needed} pairs`,
    );
  }
  return { metrics: rows.map((r) => r.metric), warnings };
}

/** The pairs every profile has (Infinity without profiles): how far an A/B got. */
export function pairsRun(pairsByProfile: Record<string, readonly TrialPair[]>): number {
  return Math.min(...Object.values(pairsByProfile).map((p) => p.length));
}
