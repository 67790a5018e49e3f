/**
 * What goes where in the reports (issue 16: a report a maintainer reads in ten seconds): which
 * runs are quiet enough for the short PR comment, which compared rows the first table shows and
 * how each is marked, and which reasons that table already shows. Shared by report.md, the PR comment and report.html, so that they agree.
 */
import { gatedRegressionRows, regressionFindings, unseenGateRows, unseenGates } from '../compare/regression-gate.js';
import type { ComparedMetric, Comparison } from '../model/compare.js';
import type { RunResult } from '../model/result.js';

/**
 * A run with nothing to look at: it passed, with no warning and no reason, and every compared row
 * (if it was compared) is "no change".
 */
export function isQuiet(result: RunResult): boolean {
  const c = result.comparison;
  return (
    result.status === 'pass' &&
    result.warnings.length === 0 &&
    result.reasons.length === 0 &&
    (c === undefined || c.metrics.every((m) => m.verdict === 'no-change'))
  );
}

/**
 * The run's reasons that no table shows as a ❌ or ⚠️ row, in the verdict's words
 * (src/run/verdict.ts). The comparison's regressions and unseen gates are rows of its table, and
 * where the profile table with its SLO column is shown (not in an A/B, whose main table is base
 * and head side by side), each profile's missed SLO is in its row: listing them again above the
 * table doubled what a reader had to read, in other numbers.
 */
export function reasonsNotInTables(result: RunResult): string[] {
  const c = result.comparison;
  const shown = new Set(c ? [...regressionFindings(c).failures, ...unseenGates(c)] : []);
  if (c?.method !== 'ab')
    for (const p of result.profiles) for (const r of p.reasons) if (r.startsWith('SLO: ')) shown.add(`${p.name}: ${r}`);
  return result.reasons.filter((r) => !shown.has(r));
}

export type RowMark = '❌' | '⚠️' | '✅';

/**
 * Each compared row's mark: ❌ a regression past its gate (it fails the run); ⚠️ one past a
 * `level: warn` gate, or a gate an A/B could not see; ✅ otherwise (within its gate, or none).
 */
function rowMarks(c: Comparison): Map<ComparedMetric, RowMark> {
  // The warn-level rows judged as failing ones would be, to find those past their gate.
  const asFailing = c.metrics.map(({ level: _level, ...m }) => m);
  const past = new Set(gatedRegressionRows({ ...c, metrics: asFailing }).map((m) => asFailing.indexOf(m)));
  const unseen = new Set(unseenGateRows(c));
  const mark = (m: ComparedMetric, i: number): RowMark =>
    past.has(i) ? (m.level === 'warn' ? '⚠️' : '❌') : unseen.has(m) ? '⚠️' : '✅';
  return new Map(c.metrics.map((m, i) => [m, mark(m, i)]));
}

const SEVERITY: Record<RowMark, number> = { '❌': 0, '⚠️': 1, '✅': 2 };

/**
 * The compared rows in two parts: `shown`, those with a gate or a change, marked and failing
 * first (the first table of the report); `quiet`, those without either (in the details). A run
 * compares five metrics for every profile and endpoint, so the full list is long, and most of it
 * says "no change".
 */
export function comparisonRows(c: Comparison): {
  shown: { m: ComparedMetric; mark: RowMark }[];
  quiet: ComparedMetric[];
} {
  const marks = rowMarks(c);
  const mustShow = (m: ComparedMetric) => m.threshold !== undefined || m.verdict !== 'no-change';
  const shown = c.metrics
    .filter(mustShow)
    .map((m) => ({ m, mark: marks.get(m) ?? '✅' }))
    .sort((a, b) => SEVERITY[a.mark] - SEVERITY[b.mark]);
  return { shown, quiet: c.metrics.filter((m) => !mustShow(m)) };
}
