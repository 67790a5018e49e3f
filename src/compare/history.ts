/**
 * Comparison of one run with a stored history of results. A single run has no pairs, so the
 * noise comes from the history itself: the spread of the stored results around their median is
 * the between-run noise of this workload on these runners, and the current run is judged with a
 * prediction interval (Student's t, s·√(1 + 1/n)). The gate's threshold is raised to that noise
 * floor, so a noisy history cannot fail a PR for a change it could not tell from noise.
 */
import { subjectOf, type Comparison, type ComparedMetric } from '../model/compare.js';
import { percentileOf } from '../model/percentiles.js';
import type { EnvironmentFingerprint, ProfileResult, RunResult } from '../model/result.js';
import { normalQuantile, tCdf, tQuantile, normalCdf } from './distributions.js';
import {
  changeOf,
  comparedMetrics,
  isRatioMetric,
  materialChange,
  metricValues,
  ratioOf,
  toReported,
  verdictOf,
  type MetricName,
  type RegressionGates,
} from './metrics.js';
import { holmAdjust, median, sampleSd } from './signed-rank.js';
import { thresholdFor, type AppliedGates } from './gates.js';

/** Between-run noise assumed while the history is too short to measure it (FACTS.md: quiet-period CVs here, rounded up). */
const PRIOR_NOISE = { p50: 0.03, p90: 0.05, p99: 0.1, throughput: 0.03, errorRate: 0.002 } as const;
/** Past p99 the tail rests on a handful of requests per run: twice p99's noise is assumed, not measured. */
const PRIOR_NOISE_PAST_P99 = 0.2;

/** The prior noise of a metric; a percentile takes that of the nearest listed one at or above it (the noisier side). */
function priorNoise(name: MetricName): number {
  if (name === 'throughput' || name === 'errorRate') return PRIOR_NOISE[name];
  const q = percentileOf(name) ?? 100;
  return q <= 50 ? PRIOR_NOISE.p50 : q <= 90 ? PRIOR_NOISE.p90 : q <= 99 ? PRIOR_NOISE.p99 : PRIOR_NOISE_PAST_P99;
}
/** Fewer stored results than this and the prior noise is used. */
const MIN_HISTORY_FOR_NOISE = 5;

export interface HistoryOptions {
  alpha: number;
  minEffect: number;
  gates: RegressionGates;
  /** `default`: the gates are perfgate's defaults, which gate the profiles' own rows only. */
  gateSource?: AppliedGates['source'];
}

export interface StoredRun {
  sha: string;
  branch: string;
  result: RunResult;
}

/** A row's statistics on the change scale, kept beside it until the family's p-values are adjusted. */
interface RowStatistics {
  estimate: number;
  se: number;
  df: number;
}

export function compareWithHistory(current: RunResult, history: StoredRun[], options: HistoryOptions): Comparison {
  const warnings: string[] = [];
  const newest = history.at(-1);
  const rows: ComparedMetric[] = [];
  const statistics: RowStatistics[] = [];
  const add = (compared: { row: ComparedMetric; statistics: RowStatistics }) => {
    rows.push(compared.row);
    statistics.push(compared.statistics);
  };
  for (const profile of current.profiles) {
    if (profile.status === 'error' || profile.requests.total === 0) continue;
    const past = storedProfilesOf(history, profile.name);
    if (past.length === 0) {
      warnings.push(`${profile.name}: no stored result to compare with`);
      continue;
    }
    if (past.length < MIN_HISTORY_FOR_NOISE)
      warnings.push(
        `${profile.name}: only ${past.length} stored result(s); the noise is assumed (${MIN_HISTORY_FOR_NOISE}+ are needed to measure it)`,
      );
    compareSubject({ profile: profile.name }, profile, past, options, warnings).forEach(add);
    // A profile of several endpoints is compared per endpoint too, in the same Holm family.
    for (const endpoint of (profile.endpoints?.length ?? 0) > 1 ? (profile.endpoints ?? []) : []) {
      if (endpoint.requests.total === 0) continue;
      const stored = past.flatMap((p) => p.endpoints?.filter((e) => e.name === endpoint.name) ?? []);
      if (stored.length === 0) continue;
      compareSubject({ profile: profile.name, endpoint: endpoint.name }, endpoint, stored, options, warnings).forEach(
        add,
      );
    }
  }
  judgeFamily(rows, statistics, options);
  const envDiff = newest ? environmentDifferences(newest.result.environment, current.environment) : [];
  if (envDiff.length)
    warnings.push(
      `the environment differs from the baseline's (${envDiff.join('; ')}): results from different machines differ by more than code changes; prefer perfgate ab on one runner`,
    );
  return {
    method: 'baseline',
    ...(newest ? { baseline: { sha: newest.sha, branch: newest.branch, startedAt: newest.result.startedAt } } : {}),
    metrics: rows,
    warnings,
  };
}

type Measured = Parameters<typeof metricValues>[0];

/** Every compared metric of one subject (a profile, or one endpoint of it) against its stored results. */
function compareSubject(
  subject: { profile: string; endpoint?: string },
  profile: Measured,
  past: readonly Measured[],
  options: HistoryOptions,
  warnings: string[],
): { row: ComparedMetric; statistics: RowStatistics }[] {
  const label = subjectOf(subject);
  const metrics = comparedMetrics(options.gates);
  const now = metricValues(profile, metrics);
  const stored = past.map((p) => metricValues(p, metrics));
  const out: { row: ComparedMetric; statistics: RowStatistics }[] = [];
  for (const name of metrics) {
    const current = now[name];
    // A stored result with neither the field nor a histogram has no value for a percentile: it
    // is left out of that metric's history (never approximated), and the reader is told.
    const values = stored.flatMap((v) => (v[name] === undefined ? [] : [v[name]]));
    if (current === undefined || values.length === 0) {
      warnings.push(
        `${label} ${name}: ${current === undefined ? 'this result has no' : 'no stored result has a'} latency histogram to read it from, so it is not compared`,
      );
      continue;
    }
    if (values.length < stored.length)
      warnings.push(
        `${label} ${name}: ${stored.length - values.length} of ${stored.length} stored results have no latency histogram to read it from and are left out`,
      );
    const compared = compareMetricWithHistory(subject, name, current, values, options);
    if (!compared) continue;
    if (subject.endpoint !== undefined) compared.row.endpoint = subject.endpoint;
    out.push(compared);
  }
  return out;
}

/** The stored results of one profile that measured something, oldest first. */
function storedProfilesOf(history: StoredRun[], profileName: string): ProfileResult[] {
  return history
    .map((h) => h.result.profiles.find((p) => p.name === profileName))
    .filter((p): p is ProfileResult => p !== undefined && p.status !== 'error' && p.requests.total > 0);
}

/** One metric's row against the history's centre, with its verdict still open; undefined when it cannot be compared. */
function compareMetricWithHistory(
  subject: { profile: string; endpoint?: string },
  name: MetricName,
  now: number,
  values: number[],
  options: HistoryOptions,
): { row: ComparedMetric; statistics: RowStatistics } | undefined {
  const base = historyCentre(name, values);
  const estimate = changeOf(name, base, now);
  if (!Number.isFinite(base) || !Number.isFinite(estimate)) return undefined;
  const deviations = values.map((v) => changeOf(name, base, v)).filter(Number.isFinite);
  const { spread, df } = historyNoise(name, deviations);
  const se = spread * Math.sqrt(1 + 1 / Math.max(1, deviations.length));
  const q = quantileOf(1 - options.alpha / 2, df);
  const ci: [number, number] = [estimate - q * se, estimate + q * se];
  const tStat = se > 0 ? Math.abs(estimate) / se : 0;
  const pValue = name === 'errorRate' && now === base && spread === 0 ? null : twoSidedPValue(tStat, df);
  const gate = thresholdFor(options.gates, options.gateSource, name, subject.endpoint);
  const row: ComparedMetric = {
    profile: subject.profile,
    metric: name,
    baseline: base,
    current: now,
    ratio: ratioOf(name, base, now),
    ci: [toReported(name, ci[0]), toReported(name, ci[1])],
    pValue,
    verdict: 'inconclusive',
    mde: null,
    // The gate raised to the noise floor: a change smaller than the prediction interval's half-width cannot count.
    ...(gate !== undefined
      ? {
          threshold: Math.max(gate, isRatioMetric(name) ? Math.exp(q * se) - 1 : q * se),
          ...(options.gates.level === 'warn' ? { level: 'warn' as const } : {}),
        }
      : {}),
  };
  return { row, statistics: { estimate, se, df } };
}

/** The median of the history; for ratio metrics on the log scale (the geometric median), where changes are ratios. */
function historyCentre(name: MetricName, values: number[]): number {
  return isRatioMetric(name)
    ? Math.exp(
        median(
          values
            .filter((v) => v > 0)
            .map(Math.log)
            .sort((a, b) => a - b),
        ),
      )
    : median([...values].sort((a, b) => a - b));
}

/** The between-run spread of the history around its centre, and its degrees of freedom (Infinity: the prior is assumed). */
function historyNoise(name: MetricName, deviations: number[]): { spread: number; df: number } {
  const measured = deviations.length >= MIN_HISTORY_FOR_NOISE;
  const spread = measured ? Math.max(sampleSd(deviations), isRatioMetric(name) ? 0.005 : 0.0005) : priorNoise(name);
  return { spread, df: measured ? deviations.length - 1 : Infinity };
}

/** Student's t quantile, or the normal one when the noise is assumed rather than measured. */
function quantileOf(p: number, df: number): number {
  return df === Infinity ? normalQuantile(p) : tQuantile(p, df);
}

function twoSidedPValue(tStat: number, df: number): number {
  return df === Infinity ? 2 * (1 - normalCdf(tStat)) : 2 * (1 - tCdf(tStat, df));
}

/** Verdicts and detectable effects for all rows at once: Holm's adjustment runs over the whole family. */
function judgeFamily(rows: ComparedMetric[], statistics: RowStatistics[], options: HistoryOptions): void {
  const adjusted = holmAdjust(rows.map((r) => r.pValue));
  const family = Math.max(1, adjusted.filter((p) => p !== null).length);
  rows.forEach((m, i) => {
    const { estimate, se, df } = statistics[i]!;
    const name = m.metric;
    const ciScale: [number, number] = isRatioMetric(name) ? [Math.log(m.ci[0]), Math.log(m.ci[1])] : m.ci;
    const p = adjusted[i] ?? null;
    m.verdict = verdictOf(
      name,
      estimate,
      ciScale,
      p !== null && p <= options.alpha,
      materialChange(name, options.minEffect, undefined),
      materialChange(name, options.minEffect, m.threshold),
    );
    m.mde = minimumDetectableEffect(name, se, df, options.alpha, family);
  });
}

/** The smallest change found with 95 % power at level `alpha`, Bonferroni-corrected for the family's size. */
function minimumDetectableEffect(name: MetricName, se: number, df: number, alpha: number, family: number): number {
  const mde = (quantileOf(1 - alpha / (2 * family), df) + normalQuantile(0.95)) * se;
  return isRatioMetric(name) ? Math.exp(mde) - 1 : mde;
}

function environmentDifferences(a: EnvironmentFingerprint, b: EnvironmentFingerprint): string[] {
  // Not the runner's name: hosted runners get a new one per job on the same hardware class.
  const keys = ['cpuModel', 'cores', 'os', 'node'] as const;
  return keys.filter((k) => a[k] !== b[k]).map((k) => `${k} ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`);
}
