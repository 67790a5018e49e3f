/**
 * The markdown report: report.md, the job summary and (through src/publish) the PR comment.
 * Returns a string only. It is laid out for a reader with ten seconds (issue 16): the headline
 * naming the regressions, the base compared with and one summary line; then the table that
 * decided the run (the comparison's gated or moved rows marked ❌/⚠️/✅, failing first; without
 * a comparison, the profiles with their SLO column); then the bottlenecks and suggestions; then
 * the details (each profile, resources, trends, notices). A quiet run collapses all but the
 * first lines in the PR comment (`collapseQuiet`). Text that came from outside perfgate (SUT
 * output, error samples, profile names) is escaped so that it cannot break a table or inject
 * markup.
 */
import type { RunResult } from '../model/result.js';
import { escapeMarkdown, inlineCode } from './escape.js';
import { bottleneckSection, resourceSection, suggestionSection, trendSection } from './markdown-analysis.js';
import { abSidesSection, comparisonDetails, comparisonSection } from './markdown-compare.js';
import { profileSection, profileTable } from './markdown-profile.js';
import { baseLine, headline, summaryWords } from './headline.js';
import { isQuiet, reasonsNotInTables } from './layout.js';
import { formatSeconds, formatTimestamp } from './numbers.js';

export interface MarkdownOptions {
  /** Hidden marker that identifies perfgate's sticky comment. */
  marker?: string;
  /** Link to the run's artifacts (report.html), shown on the summary line. */
  artifactsUrl?: string;
  /** Drop the detail sections (timelines, error samples) to fit a size limit. */
  compact?: boolean;
  /** Only the verdict, reasons, the comparison's gated or changed rows, the main table and notices (the smallest report). */
  summaryOnly?: boolean;
  /** Endpoint rows shown per profile, busiest first (the PR comment shows a few; default all). */
  maxEndpoints?: number;
  /**
   * The size planner's result before it cut profiles from the tables: the headline, the base line
   * and the counts are read from it, so that a cut comment does not say "0 profiles".
   */
  uncut?: RunResult;
  /**
   * A quiet run (layout.ts isQuiet) shows its headline, base line and summary line, and everything else
   * in one collapsed Details section: the PR comment's layout. report.md keeps the full layout:
   * it is the record a reader opens on purpose (and the job summary shows it), while the comment
   * is what every reviewer of the PR scrolls past on each push.
   */
  collapseQuiet?: boolean;
}

export function buildMarkdownReport(result: RunResult, options: MarkdownOptions = {}): string {
  const whole = options.uncut ?? result;
  const quiet = options.collapseQuiet === true && isQuiet(whole);
  const head = [
    ...(options.marker ? [options.marker] : []),
    ...openingLines(whole),
    '',
    summaryLine(whole, { artifactsUrl: options.artifactsUrl, quiet }),
  ];
  const verdict = verdictSections(result, options);
  const details = detailSections(result, options);
  const foot = ['', footer(result)];
  const out = quiet
    ? [...head, '', '<details><summary>Details</summary>', ...verdict, ...details, ...foot, '', '</details>']
    : [...head, ...verdict, ...(details.length ? ['', '### Details', ...details] : []), ...foot];
  return out.join('\n') + '\n';
}

/**
 * The headline, then what the head was compared with: the first lines a reader (and a PR
 * comment cut to its summary) sees.
 */
export function openingLines(result: RunResult): string[] {
  const base = baseLine(result, escapeMarkdown, inlineCode);
  return [`## ${headline(result, escapeMarkdown)}`, ...(base ? ['', base] : [])];
}

/** What decided the run: its reasons and warnings, the comparison, the profiles' table, bottlenecks and suggestions. */
function verdictSections(result: RunResult, options: MarkdownOptions): string[] {
  const out: string[] = [];
  const reasons = reasonsNotInTables(result);
  if (reasons.length) {
    out.push('');
    for (const r of reasons.slice(0, 20)) out.push(`- ${escapeMarkdown(r)}`);
    if (reasons.length > 20) out.push(`- … and ${reasons.length - 20} more (see result.json)`);
  }
  if (result.warnings.length) {
    out.push('');
    for (const w of result.warnings.slice(0, 20)) out.push(`- ⚠️ ${escapeMarkdown(w)}`);
    if (result.warnings.length > 20) out.push(`- … and ${result.warnings.length - 20} more warnings (see result.json)`);
  }
  const c = result.comparison;
  if (c) out.push(...comparisonSection(c, { summaryOnly: options.summaryOnly }));
  // An A/B's profiles are its last head trial: its main table is base and head side by side instead.
  const sides = c?.method === 'ab' ? abSidesSection(c, result.profiles, options) : [];
  if (sides.length) out.push(...sides);
  else if (result.profiles.length) out.push('', '### Profiles and their SLOs', '', profileTable(result.profiles));
  out.push(...bottleneckSection(result), ...suggestionSection(result));
  return out;
}

/** Each profile, the resources, the trends, how the SUT ended and the notices. */
function detailSections(result: RunResult, options: MarkdownOptions): string[] {
  const out: string[] = [];
  const c = result.comparison;
  if (c) out.push(...comparisonDetails(c, { summaryOnly: options.summaryOnly }));
  const lastHeadTrial = c?.method === 'ab';
  if (!options.summaryOnly) {
    for (const p of result.profiles) out.push(...profileSection(p, { ...options, lastHeadTrial }));
    out.push(...resourceSection(result.profiles));
  }
  if (!options.compact) out.push(...trendSection(result));
  const exit = result.sut.exit;
  if (exit) {
    const how = exit.signal ? `on ${escapeMarkdown(exit.signal)}` : `with code ${exit.code}`;
    const during = exit.duringProfile ? `, during profile ${escapeMarkdown(exit.duringProfile)}` : '';
    out.push('', '#### The SUT exited during the run', '');
    out.push(`It exited ${how} ${formatSeconds(exit.atMs / 1000)} after start${during}.`);
  }
  if (result.sut.logTail && result.status === 'error')
    out.push(
      '',
      "<details><summary>Last lines of the SUT's output</summary>",
      '',
      fence(result.sut.logTail),
      '',
      '</details>',
    );
  if (result.notices.length) {
    out.push('', '#### Notices', '');
    for (const n of result.notices) out.push(`- ${escapeMarkdown(n)}`);
  }
  return out;
}

/**
 * The line under the headline and the base; a quiet run's comment shows only it, so it also
 * counts the bottlenecks under its Details, and it links report.html when there is a link.
 */
function summaryLine(result: RunResult, options: { artifactsUrl?: string | undefined; quiet: boolean }): string {
  const parts = [summaryWords(result, inlineCode)];
  const b = result.bottlenecks.length;
  if (options.quiet && b) parts.push(`${b} bottleneck${b === 1 ? '' : 's'} under Details`);
  if (options.artifactsUrl) parts.push(`[report.html with charts](${options.artifactsUrl})`);
  return parts.join(' · ');
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}text\n${text}\n${f}`;
}

/**
 * perfgate, the machine and the start of the run in local time with its zone. A line that opens
 * with <sub> and goes on is a paragraph, not an HTML block (CommonMark §4.6, type 7 needs the
 * tag alone on its line), so its text takes markdown escapes, which GitHub removes there.
 */
function footer(result: RunResult): string {
  const env = result.environment;
  const words = [
    `perfgate ${result.tool.version}`,
    `${env.cores}× ${env.cpuModel}`,
    `Node ${env.node}`,
    env.ci ? env.runner : 'local',
    `started ${formatTimestamp(result.startedAt)}`,
  ];
  return `<sub>${words.map(escapeMarkdown).join(' · ')}</sub>`;
}
