/**
 * The first lines of every report: the verdict with what decided it, what the head was compared
 * with, and one line of numbers (profiles, requests, p50 and p99). Issue 14 measured an A/B whose p50 was +24.9 % past its gate open with a bare
 * "❌ fail" (and, before default gates, "✅ pass"), the base unnamed and the comparison last.
 *
 * Plain words: the caller's `escape` makes the names that come from outside perfgate (profiles,
 * endpoints, refs) safe for its format, and `code` sets a SHA as code.
 */
import { formatMetricValue } from '../compare/format.js';
import { isRatioMetric } from '../compare/metrics.js';
import { gatedRegressionRows, pastGateUncalled, unseenGateRows } from '../compare/regression-gate.js';
import { subjectOf, type Comparison, type ComparedMetric } from '../model/compare.js';
import { percentileLabel } from '../model/percentiles.js';
import type { ProfileResult, RunResult } from '../model/result.js';
import { STATUS_ICON } from './format.js';
import { formatCount, formatMs, formatSeconds, formatTimestamp, plainPercent, signedPercent } from './numbers.js';

type Escape = (text: string) => string;

/** Findings named in the headline before "… and N more": it stays one line. */
const HEADLINE_FINDINGS = 3;

const metricWords = (m: ComparedMetric) => (m.metric === 'errorRate' ? 'error rate' : percentileLabel(m.metric));

function changeWords(m: ComparedMetric): string {
  if (isRatioMetric(m.metric)) return signedPercent(m.ratio - 1);
  return `${formatMetricValue(m.metric, m.baseline)} → ${formatMetricValue(m.metric, m.current)}`;
}

function firstFew(items: string[]): string {
  const more = items.length - HEADLINE_FINDINGS;
  return items.slice(0, HEADLINE_FINDINGS).join(', ') + (more > 0 ? ` … and ${more} more` : '');
}

/** What decided the verdict, when the comparison did: the regressions of a fail, the unseen gates of an inconclusive run. */
function verdictDetail(result: RunResult, escape: Escape): string | undefined {
  const c = result.comparison;
  if (!c) return undefined;
  if (result.status === 'fail') {
    const found = gatedRegressionRows(c);
    if (found.length === 0) return undefined;
    const named = found.map((m) => `${metricWords(m)} ${changeWords(m)} on ${escape(subjectOf(m))}`);
    const others = result.reasons.filter((r) => !r.startsWith('regression: ') && !r.startsWith('inconclusive: '));
    const rest = others.length ? `; ${others.length} more reason${others.length === 1 ? '' : 's'} below` : '';
    return `${found.length} regression${found.length === 1 ? '' : 's'}: ${firstFew(named)}${rest}`;
  }
  if (result.status === 'inconclusive') {
    const unseen = unseenGateRows(c);
    const [only] = unseen;
    if (!only) return undefined;
    if (unseen.length === 1)
      return pastGateUncalled(only)
        ? `${metricWords(only)} ${changeWords(only)} on ${escape(subjectOf(only))} is past its ${plainPercent(only.threshold ?? 0)} gate, but too few pairs to call it`
        : `${metricWords(only)} on ${escape(subjectOf(only))} could not be told from a ${plainPercent(only.threshold ?? 0)} change`;
    const named = unseen.map(
      (m) => `${metricWords(m)} on ${escape(subjectOf(m))} (${plainPercent(m.threshold ?? 0)} gate)`,
    );
    return `${unseen.length} gated metrics could not be told from a change the size of their gate: ${firstFew(named)}`;
  }
  return undefined;
}

/** The headline without its markup: "❌ perfgate: fail — 2 regressions: p50 +24.9 % on checkout, …". */
export function headline(result: RunResult, escape: Escape): string {
  const detail = verdictDetail(result, escape);
  return `${STATUS_ICON[result.status]} perfgate: ${result.status}${detail ? ` — ${detail}` : ''}`;
}

/** "16 pairs × 5 s": the A/B's design, read from the rows' trials and the last head trial's length. */
function abDesign(result: RunResult, c: Comparison): string {
  const pairs = Math.max(0, ...c.metrics.map((m) => m.trials?.length ?? 0));
  if (pairs === 0) return '';
  const lengths = [...new Set(result.profiles.map((p) => Number(p.durationSec.toPrecision(2))))];
  const [seconds] = lengths;
  const length = lengths.length === 1 && seconds !== undefined && seconds > 0 ? ` × ${formatSeconds(seconds)}` : '';
  return `: ${pairs} pair${pairs === 1 ? '' : 's'}${length}`;
}

/**
 * What the head was compared with, in one sentence: the A/B's base (SHA, ref, how it was found)
 * and its pairs, or the stored baseline's commit, branch and date. Undefined without a comparison.
 */
export function baseLine(result: RunResult, escape: Escape, code: Escape): string | undefined {
  const c = result.comparison;
  if (!c) return undefined;
  const b = c.baseline;
  if (c.method === 'ab') {
    const sha = b?.sha ? code(b.sha.slice(0, 7)) : undefined;
    const named = sha ? `base ${sha}` : b?.ref ? `base ${escape(b.ref)}` : 'the base checkout';
    const about = [sha ? b?.ref : undefined, b?.how].filter((x): x is string => Boolean(x)).map(escape);
    return `Compared with ${named}${about.length ? ` (${about.join(', ')})` : ''} in a same-runner A/B${abDesign(result, c)}.`;
  }
  const sha = b?.sha ? ` ${code(b.sha.slice(0, 7))}` : '';
  const branch = b?.branch ? ` of ${escape(b.branch)}` : '';
  const stored = b?.startedAt ? ` (stored ${escape(formatTimestamp(b.startedAt))})` : '';
  return `Compared with the stored baseline${sha}${branch}${stored}: each metric against the median of its stored runs.`;
}

/**
 * The run in one line of numbers, for the line under the headline: "1 profile · 12,345 requests ·
 * p50 1.20 ms · p99 4.56 ms · 20 s at `abc1234`" (a range over several profiles; for an A/B the
 * head's medians of the trials, since its profiles are the last head trial only). Only perfgate's
 * own words and numbers; `code` sets the SHA.
 */
export function summaryWords(result: RunResult, code: Escape): string {
  const n = result.profiles.length;
  const failed = result.profiles.filter((p) => p.status === 'fail').length;
  const parts = [`${n} profile${n === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}`];
  const warned = result.warnings.length;
  if (warned) parts.push(`${warned} warning${warned === 1 ? '' : 's'} (level: warn, not failing)`);
  const measured = result.profiles.filter((p) => p.requests.total > 0);
  const ab = result.comparison?.method === 'ab';
  if (measured.length) {
    const requests = measured.reduce((sum, p) => sum + p.requests.total, 0);
    parts.push(`${formatCount(requests)} requests${ab ? ' in the last head trial' : ''}`);
    const latency = `${latencyRange(result, measured, 'p50')} · ${latencyRange(result, measured, 'p99')}`;
    parts.push(ab ? `${latency} (head, medians of the trials)` : latency);
  }
  const sha = result.git.sha ? ` at ${code(result.git.sha.slice(0, 7))}` : '';
  parts.push(`${formatSeconds(result.durationMs / 1000)}${sha}`);
  return parts.join(' · ');
}

/** "p50 1.20 ms", or "p50 900 µs to 12.0 ms" over several profiles. */
function latencyRange(result: RunResult, profiles: readonly ProfileResult[], metric: 'p50' | 'p99'): string {
  const rows = result.comparison?.method === 'ab' ? result.comparison.metrics : [];
  const ownRow = (p: ProfileResult) =>
    rows.find((m) => m.profile === p.name && m.endpoint === undefined && m.metric === metric);
  const values = profiles.map((p) => ownRow(p)?.current ?? p.latency[metric]);
  const [lo, hi] = [formatMs(Math.min(...values)), formatMs(Math.max(...values))];
  return `${metric} ${lo === hi ? lo : `${lo} to ${hi}`}`;
}
