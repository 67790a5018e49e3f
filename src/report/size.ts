/**
 * Fits the report into a PR comment. GitHub refuses bodies over 65,536 characters (422 "body is
 * too long"). Rather than cutting the text (which can leave a table or a code fence open and
 * break everything after it), the report is rebuilt with less detail, in a fixed order, until
 * it fits: full → compact (no timelines or error samples) → summary (verdict, base, reasons, the
 * comparison's gated or changed rows and the main table only) → the summary with fewer table
 * rows. Each step is complete markdown, and each keeps the headline (which names the regressions)
 * and the line naming what was compared with: a reader needs them more than any table (issue 14).
 * Rows alone do not bound the size: one 70,000-character reason made a 280,746-character body.
 * So from the compact step on, every text the result holds (reasons, notices, evidence, details,
 * error samples, the SUT's log tail, even record keys) is cut to a fixed length with a visible
 * marker, lists are shortened (but not the comparison's rows, whose gated ones must stay), and a
 * last, minimal body (headline, base and counts, names cut short) always fits.
 *
 * A quiet run (passed, unchanged, no warning) is laid out short at every step (issue 16): the
 * headline, the base and one summary line, and the rest in one collapsed Details section.
 */
import type { Comparison } from '../model/compare.js';
import type { RunResult } from '../model/result.js';
import { boundText, CUT_MARKER, escapeMarkdown } from './escape.js';
import { buildMarkdownReport, openingLines, type MarkdownOptions } from './markdown.js';

/** GitHub's limit, less room for the markers the publisher adds. */
export const COMMENT_LIMIT = 65_536 - 512;
/** The job summary: 1 MiB per step, in bytes (the runner drops a larger one whole). */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 1024;
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Longest text kept in the compact and the summary comment (the full text is in report.md). */
const COMPACT_TEXT_CHARS = 4_000;
const SUMMARY_TEXT_CHARS = 500;
/** Longest list kept in the summary (bottlenecks, suggestions, evidence, samples …). */
const SUMMARY_LIST_ITEMS = 10;
/** Longest name (profile, endpoint, ref, how the base was found) kept in the minimal comment. */
const MINIMAL_NAME_CHARS = 100;

export interface PlannedComment {
  body: string;
  level: 'full' | 'compact' | 'summary' | 'minimal';
  /** Profiles left out of the summary table (0 when all are shown). */
  omittedProfiles: number;
}

/**
 * `measure`: how the limit counts (GitHub counts a comment in characters, the job summary in
 * bytes). A quiet run is collapsed unless `collapseQuiet` is false.
 */
export function planComment(
  result: RunResult,
  given: MarkdownOptions & { fullReportHint?: string } = {},
  limit = COMMENT_LIMIT,
  measure: (text: string) => number = (t) => t.length,
): PlannedComment {
  const options = { collapseQuiet: true, ...given };
  const hint = `\n> [!NOTE]\n> Some detail was left out to fit GitHub's size limit. ${options.fullReportHint ?? 'The full report is in the job summary and in the uploaded report artifact (report.md, report.html).'}\n`;
  const full = buildMarkdownReport(result, options);
  if (measure(full) <= limit) return { body: full, level: 'full', omittedProfiles: 0 };
  const compact = buildMarkdownReport(boundTexts(result, COMPACT_TEXT_CHARS), { ...options, compact: true }) + hint;
  if (measure(compact) <= limit) return { body: compact, level: 'compact', omittedProfiles: 0 };
  // Summary: the same builder on a result stripped of per-profile detail, with as many table rows as fit.
  // Lists are shortened too, except the profiles, whose rows the loop below cuts (and counts).
  const bounded = {
    ...boundTexts(result, SUMMARY_TEXT_CHARS, SUMMARY_LIST_ITEMS),
    profiles: result.profiles.map((p) => boundTexts(p, SUMMARY_TEXT_CHARS, SUMMARY_LIST_ITEMS)),
    comparison: result.comparison && boundComparison(result.comparison),
  };
  let keep = result.profiles.length;
  for (;;) {
    const summary =
      buildMarkdownReport(summaryOf(bounded, keep), { ...options, compact: true, summaryOnly: true, uncut: bounded }) +
      hint;
    const size = measure(summary);
    if (size <= limit) return { body: summary, level: 'summary', omittedProfiles: result.profiles.length - keep };
    if (keep === 0) break;
    keep = Math.floor(keep * Math.min(0.9, limit / size));
  }
  return { body: minimalReport(result, options, hint), level: 'minimal', omittedProfiles: result.profiles.length };
}

/**
 * The comparison of the summary: its texts cut short and its warnings shortened, but every row
 * kept (a gated regression past the first ten is still one), and with each row its trials (their
 * count is the A/B's pairs in the base line).
 */
function boundComparison(c: Comparison): Comparison {
  const bounded = boundTexts(c, SUMMARY_TEXT_CHARS);
  return { ...bounded, warnings: bounded.warnings.slice(0, SUMMARY_LIST_ITEMS) };
}

/**
 * The last resort, a few hundred characters whatever the result holds: the headline and the base
 * line (each name from the result cut to MINIMAL_NAME_CHARS, at most three named), and counts.
 * Only for a limit smaller than any summary.
 */
function minimalReport(result: RunResult, options: MarkdownOptions, hint: string): string {
  const failed = result.profiles.filter((p) => p.status === 'fail').length;
  return [
    ...(options.marker ? [options.marker] : []),
    ...openingLines(boundTexts(result, MINIMAL_NAME_CHARS)),
    '',
    `${result.profiles.length} profiles, ${failed} failed, ${result.reasons.length} reasons, ${result.warnings.length} warnings: too large for a comment ${escapeMarkdown(CUT_MARKER)}.`,
    hint,
  ].join('\n');
}

/**
 * A copy of `value` with every string (and record key) cut to `maxChars` and, when `maxItems`
 * is given, every array shortened to that many items. Generic on purpose: a field added to the
 * result later is bounded without anyone remembering to.
 */
function boundTexts<T>(value: T, maxChars: number, maxItems = Infinity): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return boundText(v, maxChars);
    if (Array.isArray(v)) return v.slice(0, maxItems).map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [boundText(k, maxChars), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function summaryOf(result: RunResult, keepProfiles: number): RunResult {
  const omitted = result.profiles.length - keepProfiles;
  return {
    ...result,
    reasons: result.reasons.slice(0, 10),
    warnings: result.warnings.slice(0, 10),
    notices: [
      ...result.notices.slice(0, 5),
      ...(omitted > 0 ? [`${omitted} more profiles are in the full report`] : []),
    ],
    profiles: result.profiles.slice(0, keepProfiles),
  };
}
