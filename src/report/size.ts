/**
 * Fits the report into a PR comment. GitHub refuses bodies over 65,536 characters (422 "body is
 * too long"). Rather than cutting the text (which can leave a table or a code fence open and
 * break everything after it), the report is rebuilt with less detail, in a fixed order, until
 * it fits: full → compact (no timelines or error samples) → summary (verdict, reasons and the
 * profile table only) → the summary with fewer table rows. Each step is complete markdown.
 */
import type { RunResult } from '../model/result.js';
import { buildMarkdownReport, type MarkdownOptions } from './markdown.js';

/** GitHub's limit, less room for the markers the publisher adds. */
export const COMMENT_LIMIT = 65_536 - 512;
/** The job summary: 1 MiB per step, in bytes (the runner drops a larger one whole). */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 1024;
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

export interface PlannedComment {
  body: string;
  level: 'full' | 'compact' | 'summary';
  /** Profiles left out of the summary table (0 when all are shown). */
  omittedProfiles: number;
}

/** `measure`: how the limit counts (GitHub counts a comment in characters, the job summary in bytes). */
export function planComment(
  result: RunResult,
  options: MarkdownOptions & { fullReportHint?: string } = {},
  limit = COMMENT_LIMIT,
  measure: (text: string) => number = (t) => t.length,
): PlannedComment {
  const hint = `\n> [!NOTE]\n> Some detail was left out to fit GitHub's size limit. ${options.fullReportHint ?? 'The full report is in the job summary and in the uploaded report artifact (report.md, report.html).'}\n`;
  const full = buildMarkdownReport(result, options);
  if (measure(full) <= limit) return { body: full, level: 'full', omittedProfiles: 0 };
  const compact = buildMarkdownReport(result, { ...options, compact: true }) + hint;
  if (measure(compact) <= limit) return { body: compact, level: 'compact', omittedProfiles: 0 };
  // Summary: the same builder on a result stripped of per-profile detail, with as many table rows as fit.
  let keep = result.profiles.length;
  for (;;) {
    const summary =
      buildMarkdownReport(summaryOf(result, keep), { ...options, compact: true, summaryOnly: true }) + hint;
    const size = measure(summary);
    if (size <= limit || keep === 0)
      return { body: summary, level: 'summary', omittedProfiles: result.profiles.length - keep };
    keep = Math.floor(keep * Math.min(0.9, limit / size));
  }
}

function summaryOf(result: RunResult, keepProfiles: number): RunResult {
  const omitted = result.profiles.length - keepProfiles;
  return {
    ...result,
    reasons: result.reasons.slice(0, 10),
    notices: [
      ...result.notices.slice(0, 5),
      ...(omitted > 0 ? [`${omitted} more profiles are in the full report`] : []),
    ],
    profiles: result.profiles.slice(0, keepProfiles),
  };
}
