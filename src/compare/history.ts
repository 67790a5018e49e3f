/**
 * Comparison of one run with a stored history of results. A single run has no pairs, so the
 * noise comes from the history itself: the spread of the stored results around their median is
 * the between-run noise of this workload on these runners, and the current run is judged with a
 * prediction interval (Student's t, s·√(1 + 1/n)). The gate's threshold is raised to that noise
 * floor, so a noisy history cannot fail a PR for a change it could not tell from noise.
 */
import type { Comparison, ComparedMetric } from '../model/compare.js';
import { COMPARED_METRICS } from '../model/compare.js';
import type { EnvironmentFingerprint, RunResult } from '../model/result.js';
import { normalQuantile, tCdf, tQuantile, normalCdf } from './distributions.js';
import {
  changeOf,
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

/** Between-run noise assumed while the history is too short to measure it (FACTS.md: quiet-period CVs here, rounded up). */
export const PRIOR_NOISE: Record<MetricName, number> = {
  p50: 0.03,
  p90: 0.05,
  p99: 0.1,
  throughput: 0.03,
  errorRate: 0.002,
};
/** Fewer stored results than this and the prior noise is used. */
export const MIN_HISTORY_FOR_NOISE = 5;

export interface HistoryOptions {
  alpha: number;
  minEffect: number;
  gates: RegressionGates;
}

export interface StoredRun {
  sha: string;
  branch: string;
  result: RunResult;
}

export function compareWithHistory(current: RunResult, history: StoredRun[], options: HistoryOptions): Comparison {
  const warnings: string[] = [];
  const newest = history.at(-1);
  const rows: ComparedMetric[] = [];
  const info: { estimate: number; se: number; df: number }[] = [];
  for (const profile of current.profiles) {
    if (profile.status === 'error' || profile.requests.total === 0) continue;
    const past = history
      .map((h) => h.result.profiles.find((p) => p.name === profile.name))
      .filter((p) => p !== undefined && p.status !== 'error' && p.requests.total > 0);
    if (past.length === 0) {
      warnings.push(`${profile.name}: no stored result to compare with`);
      continue;
    }
    if (past.length < MIN_HISTORY_FOR_NOISE)
      warnings.push(
        `${profile.name}: only ${past.length} stored result(s); the noise is assumed (${MIN_HISTORY_FOR_NOISE}+ are needed to measure it)`,
      );
    const now = metricValues(profile);
    for (const name of COMPARED_METRICS) {
      const values = past.map((p) => metricValues(p!)[name]);
      const base = isRatioMetric(name)
        ? Math.exp(
            median(
              values
                .filter((v) => v > 0)
                .map(Math.log)
                .sort((a, b) => a - b),
            ),
          )
        : median([...values].sort((a, b) => a - b));
      const estimate = changeOf(name, base, now[name]);
      if (!Number.isFinite(base) || !Number.isFinite(estimate)) continue;
      const deviations = values.map((v) => changeOf(name, base, v)).filter(Number.isFinite);
      const measured = deviations.length >= MIN_HISTORY_FOR_NOISE;
      const spread = measured
        ? Math.max(sampleSd(deviations), isRatioMetric(name) ? 0.005 : 0.0005)
        : PRIOR_NOISE[name];
      const se = spread * Math.sqrt(1 + 1 / Math.max(1, deviations.length));
      const df = measured ? deviations.length - 1 : Infinity;
      const q = df === Infinity ? normalQuantile(1 - options.alpha / 2) : tQuantile(1 - options.alpha / 2, df);
      const ci: [number, number] = [estimate - q * se, estimate + q * se];
      const tStat = se > 0 ? Math.abs(estimate) / se : 0;
      const pValue =
        name === 'errorRate' && now[name] === base && spread === 0
          ? null
          : df === Infinity
            ? 2 * (1 - normalCdf(tStat))
            : 2 * (1 - tCdf(tStat, df));
      const gate = options.gates[name];
      rows.push({
        profile: profile.name,
        metric: name,
        baseline: base,
        current: now[name],
        ratio: ratioOf(name, base, now[name]),
        ci: [toReported(name, ci[0]), toReported(name, ci[1])],
        pValue,
        verdict: 'inconclusive',
        mde: null,
        // The gate raised to the noise floor: a change smaller than the prediction interval's half-width cannot count.
        ...(gate !== undefined
          ? { threshold: Math.max(gate, isRatioMetric(name) ? Math.exp(q * se) - 1 : q * se) }
          : {}),
      });
      info.push({ estimate, se, df });
    }
  }
  const adjusted = holmAdjust(rows.map((r) => r.pValue));
  const family = Math.max(1, adjusted.filter((p) => p !== null).length);
  rows.forEach((m, i) => {
    const { estimate, se, df } = info[i]!;
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
    const zPower = normalQuantile(0.95);
    const zAlpha =
      df === Infinity
        ? normalQuantile(1 - options.alpha / (2 * family))
        : tQuantile(1 - options.alpha / (2 * family), df);
    const mde = (zAlpha + zPower) * se;
    m.mde = isRatioMetric(name) ? Math.exp(mde) - 1 : mde;
  });
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

export function environmentDifferences(a: EnvironmentFingerprint, b: EnvironmentFingerprint): string[] {
  // Not the runner's name: hosted runners get a new one per job on the same hardware class.
  const keys = ['cpuModel', 'cores', 'os', 'node'] as const;
  return keys.filter((k) => a[k] !== b[k]).map((k) => `${k} ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`);
}
