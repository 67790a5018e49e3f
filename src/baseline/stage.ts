/**
 * The baseline stage of `perfgate run --baseline`: after the profiles, compare the result with
 * the stored history of the base branch and look for step changes in nightly histories; once
 * the verdict is in, and on a trusted event only, save the result.
 */
import type { Settings } from '../config/schema.js';
import { numericThresholds, regressionGatesOf } from '../compare/gates.js';
import { compareWithHistory } from '../compare/history.js';
import { COMPARED_METRICS } from '../model/compare.js';
import { metricValues } from '../compare/metrics.js';
import { detectSteps } from '../compare/trend.js';
import { DataError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { RunResult } from '../model/result.js';
import type { BaselineStore } from './index.js';
import { baselineWritePermission } from './trust.js';
import type { BaselineEntry } from './format.js';

export interface BaselineStageOptions {
  /** Opened with openBaselineStore before the profiles ran. */
  store: BaselineStore;
  /** The branch whose history is the baseline (a PR's base branch); default: the run's own branch. */
  baseRef: string | undefined;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

/** When a run saves its result (README: Baselines; `perfgate run --help`). */
const SAVED_WHEN =
  'in GitHub Actions a push or schedule on the default branch saves one; outside Actions every run saves to its own branch';

/** Fewest stored results before step changes are looked for. */
const MIN_TREND_HISTORY = 8;

/**
 * Compares the result with the stored history of the base branch: sets `comparison` and
 * `trends` and adds notices; returns the run-level problems (a corrupt store fails closed). The
 * regression gate itself is applied when the verdict is rolled up.
 */
export async function compareWithBaseline(
  result: RunResult,
  settings: Settings,
  options: BaselineStageOptions,
): Promise<string[]> {
  const { store } = options;
  const branch = options.baseRef ?? result.git.branch ?? 'main';
  let stored: BaselineEntry[];
  try {
    stored = await store.history(branch);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return [`baseline: ${e.message}`];
  }
  // A commit is never compared with itself (a re-run of the base commit would see no change by construction).
  const history = stored.filter((e) => e.sha !== result.git.sha);
  if (history.length === 0) {
    result.notices.push(
      stored.length > 0
        ? `the only baseline of branch ${branch} in ${store.description} is of this same commit (${result.git.sha?.slice(0, 7)}): a commit is not compared with itself, so there is nothing to compare with`
        : `no baseline for branch ${branch} in ${store.description} yet: nothing to compare with (${SAVED_WHEN})`,
    );
  } else {
    const { alpha, minEffect } = settings.config.ab;
    const applied = regressionGatesOf(settings);
    result.comparison = {
      ...compareWithHistory(result, history, { alpha, minEffect, gates: applied.gates, gateSource: applied.source }),
      gates: { source: applied.source, thresholds: numericThresholds(applied.gates) },
    };
    result.trends = trendSeries([...history, { sha: result.git.sha ?? 'current', result }]);
  }
  const permission = baselineWritePermission(options.env);
  if (permission.event === 'schedule' || permission.event === 'local')
    result.notices.push(...trendNotices([...history, { sha: result.git.sha ?? 'current', result }]));
  return [];
}

/**
 * Saves the result (its verdict already rolled up) to the store, on a trusted event only and
 * never for a run that failed; returns the run-level problem when the store refused it.
 */
export async function saveToBaseline(
  result: RunResult,
  settings: Settings,
  options: BaselineStageOptions,
): Promise<string[]> {
  const { store } = options;
  const permission = baselineWritePermission(options.env);
  if (!permission.allowed) {
    result.notices.push(`baseline not saved: ${permission.why}`);
    return [];
  }
  if (result.status === 'error' || !result.git.sha || !result.git.branch) {
    options.logger.warn(
      `baseline not saved: ${result.status === 'error' ? 'the run failed' : 'the commit or branch is unknown'}`,
    );
    return [];
  }
  try {
    await store.save(
      {
        sha: result.git.sha,
        branch: result.git.branch,
        savedAt: new Date().toISOString(),
        event: permission.event,
        result,
      },
      settings.config.baseline.history,
    );
  } catch (e) {
    // The measurements are still written to result.json; the run says loudly that the history did not grow.
    options.logger.error(`baseline not saved: ${(e as Error).message}`);
    return [`baseline: not saved to ${store.description}: ${(e as Error).message}`];
  }
  const saved = `saved the baseline of ${result.git.branch} at ${result.git.sha.slice(0, 7)} to ${store.description}`;
  options.logger.info(saved);
  // Outside Actions the person at the keyboard is trusted, and a branch's history is its own (a
  // feature branch never moves another branch's bar); said in the result, so it is never silent.
  if (permission.event === 'local')
    result.notices.push(`${saved} (outside GitHub Actions every run saves to its own branch's history)`);
  return [];
}

/** p50 and throughput per profile over the history and this run, with step changes when the history is long enough. */
function trendSeries(runs: { sha: string; result: RunResult }[]): NonNullable<RunResult['trends']> {
  const names = [...new Set(runs.flatMap((r) => r.result.profiles.map((p) => p.name)))];
  const out: NonNullable<RunResult['trends']> = [];
  for (const profile of names) {
    for (const metric of ['p50', 'throughput'] as const) {
      const points = runs.flatMap((r) => {
        const p = r.result.profiles.find((x) => x.name === profile && x.status !== 'error' && x.requests.total > 0);
        const value = p ? metricValues(p, [metric])[metric] : undefined;
        return value === undefined ? [] : [{ sha: r.sha, value }];
      });
      if (points.length < 2) continue;
      const steps =
        points.length >= MIN_TREND_HISTORY ? detectSteps(points).map((s) => ({ sha: s.sha, change: s.change })) : [];
      out.push({ profile, metric, points, steps });
    }
  }
  return out;
}

/** "trend: …" notices for step changes of the median latency and the throughput. */
export function trendNotices(runs: { sha: string; result: RunResult }[]): string[] {
  if (runs.length < MIN_TREND_HISTORY) return [];
  const notices: string[] = [];
  const names = [...new Set(runs.flatMap((r) => r.result.profiles.map((p) => p.name)))];
  for (const profile of names) {
    for (const metric of ['p50', 'p99', 'throughput'] as const satisfies readonly (typeof COMPARED_METRICS)[number][]) {
      const points = runs.flatMap((r) => {
        const p = r.result.profiles.find((x) => x.name === profile && x.status !== 'error' && x.requests.total > 0);
        const value = p ? metricValues(p, [metric])[metric] : undefined;
        return value === undefined ? [] : [{ sha: r.sha, value }];
      });
      for (const s of detectSteps(points)) {
        notices.push(
          `trend: ${profile} ${metric} stepped ${s.change >= 0 ? '+' : ''}${(s.change * 100).toFixed(1)}% (${s.before.toFixed(3)} → ${s.after.toFixed(3)}) at commit ${s.sha.slice(0, 12)}, the first commit after the step (p=${s.pValue.toFixed(3)})`,
        );
      }
    }
  }
  return notices;
}
