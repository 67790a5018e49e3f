/**
 * A run's comparison in one line and two numbers, for the action's outputs (`regressions`,
 * `summary`, `mde`) and anything else that has one line to spare: e.g.
 * `p50 +4.1% [+2.2, +6.0] on checkout; 3 endpoints unchanged`.
 */
import { subjectOf, type Comparison, type ComparedMetric } from '../model/compare.js';
import { percentileLabel } from '../model/percentiles.js';
import type { RunResult } from '../model/result.js';
import { isRatioMetric } from './metrics.js';
import { regressionFindings } from './regression-gate.js';

export interface ComparisonDigest {
  /** Regressions past a gate that fail the run (level: warn ones are not counted). */
  regressions: number;
  summary: string;
  /** The largest printed MDE of a latency or throughput row, as a fraction; undefined when none was printed. */
  mde: number | undefined;
}

/** Items named in the line before "and N more". */
const MAX_ITEMS = 3;

const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(digits)}`;

function describeRow(m: ComparedMetric): string {
  const what = `${percentileLabel(m.metric)} on ${subjectOf(m)}`;
  if (!isRatioMetric(m.metric)) {
    const pp = (v: number) => `${signed(v, 2)} pp`;
    return `error rate ${pp(m.current - m.baseline)} [${pp(m.ci[0])}, ${pp(m.ci[1])}] on ${subjectOf(m)}`;
  }
  const change = `${percentileLabel(m.metric)} ${signed(m.ratio - 1)}% [${signed(m.ci[0] - 1)}, ${signed(m.ci[1] - 1)}]`;
  if (m.verdict === 'inconclusive')
    return `${what} inconclusive${m.mde === null ? '' : ` (MDE ${(m.mde * 100).toFixed(1)}%)`}`;
  return `${change} on ${subjectOf(m)}${m.verdict === 'improvement' ? ' (improvement)' : ''}`;
}

/** A row worth naming: a change either way, or a gate that could not be seen (an ungated row's wide interval is not news). */
function isNotable(m: ComparedMetric): boolean {
  return (
    m.verdict === 'regression' ||
    m.verdict === 'improvement' ||
    (m.verdict === 'inconclusive' && m.threshold !== undefined)
  );
}

function unchangedSubjects(metrics: readonly ComparedMetric[]): string | undefined {
  const bySubject = new Map<string, ComparedMetric[]>();
  for (const m of metrics) bySubject.set(subjectOf(m), [...(bySubject.get(subjectOf(m)) ?? []), m]);
  let profiles = 0;
  let endpoints = 0;
  for (const rows of bySubject.values()) {
    if (rows.some(isNotable)) continue;
    if (rows[0]?.endpoint === undefined) profiles++;
    else endpoints++;
  }
  const parts = [
    profiles ? `${profiles} profile${profiles === 1 ? '' : 's'}` : '',
    endpoints ? `${endpoints} endpoint${endpoints === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return parts.length ? `${parts.join(' and ')} unchanged` : undefined;
}

export function digestComparison(result: Pick<RunResult, 'status' | 'reasons' | 'comparison'>): ComparisonDigest {
  const c: Comparison | undefined = result.comparison;
  if (!c || c.metrics.length === 0) {
    const why = result.reasons[0];
    return { regressions: 0, summary: `${result.status}${why ? `: ${why}` : ''}; nothing compared`, mde: undefined };
  }
  const regressions = regressionFindings(c).failures.length;
  // Gated rows first: they are what the verdict rests on.
  const notable = c.metrics
    .filter(isNotable)
    .sort((a, b) => Number(b.threshold !== undefined) - Number(a.threshold !== undefined));
  const items = notable.slice(0, MAX_ITEMS).map(describeRow);
  if (notable.length > MAX_ITEMS) items.push(`and ${notable.length - MAX_ITEMS} more`);
  const unchanged = unchangedSubjects(c.metrics);
  const mdes = c.metrics.filter((m) => isRatioMetric(m.metric) && m.mde !== null).map((m) => m.mde as number);
  const mde = mdes.length ? Math.max(...mdes) : undefined;
  const line = [items.join(', '), unchanged].filter(Boolean).join('; ');
  return { regressions, summary: line || 'no metric compared', mde };
}
