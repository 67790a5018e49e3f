/**
 * The markdown report: report.md, the job summary and (through src/publish) the PR comment.
 * Returns a string only. It opens with what decided the run: the headline naming the regressions,
 * the base compared with, the reasons, then the comparison, and only then the tables and the
 * per-profile detail (for an A/B, the detail of its last head trial, and headed so). Text that
 * came from outside perfgate (SUT output, error samples, profile names) is escaped so that it
 * cannot break the table or inject markup.
 */
import { markdownTable } from 'markdown-table';
import { describeCheck } from '../verdict/slo.js';
import type { ProfileResult, RunResult } from '../model/result.js';
import { escapeMarkdown, inlineCode } from './escape.js';
import {
  checkIcon,
  formatBytes,
  formatMs,
  formatOptionalMs,
  formatPercent,
  formatRate,
  sparkline,
  STATUS_ICON,
} from './format.js';
import { percentileReader } from '../verdict/percentile.js';
import { bottleneckSection, resourceSection, suggestionSection, trendSection } from './markdown-analysis.js';
import { abSidesSection, comparisonSection } from './markdown-compare.js';
import { baseLine, headline } from './headline.js';
import { endpointSection } from './markdown-endpoints.js';
import { stressCharts, timelineCharts } from './mermaid.js';
import { robustnessSection, stressSection } from './markdown-stress.js';

export interface MarkdownOptions {
  /** Hidden marker that identifies perfgate's sticky comment. */
  marker?: string;
  /** Link to the run's artifacts (report.html), shown under the verdict. */
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
}

export function buildMarkdownReport(result: RunResult, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  if (options.marker) out.push(options.marker);
  out.push(...openingLines(options.uncut ?? result));
  out.push('', verdictLine(options.uncut ?? result));
  if (options.artifactsUrl) out.push('', `Full report with charts: [report.html](${options.artifactsUrl})`);
  if (result.reasons.length) {
    out.push('');
    for (const r of result.reasons.slice(0, 20)) out.push(`- ${escapeMarkdown(r)}`);
    if (result.reasons.length > 20) out.push(`- … and ${result.reasons.length - 20} more (see result.json)`);
  }
  if (result.warnings.length) {
    out.push('');
    for (const w of result.warnings.slice(0, 20)) out.push(`- ⚠️ ${escapeMarkdown(w)}`);
    if (result.warnings.length > 20) out.push(`- … and ${result.warnings.length - 20} more warnings (see result.json)`);
  }
  const c = result.comparison;
  if (c) out.push(...comparisonSection(c, { summaryOnly: options.summaryOnly }));
  // An A/B's profiles are its last head trial: its main table is base and head side by side instead.
  const ab = c?.method === 'ab';
  const sides = c && ab ? abSidesSection(c, result.profiles, options) : [];
  if (sides.length) out.push(...sides);
  else if (result.profiles.length) out.push('', profileTable(result.profiles));
  if (!options.summaryOnly) for (const p of result.profiles) out.push(...profileSection(p, options, ab));
  out.push(...bottleneckSection(result), ...suggestionSection(result));
  if (!options.summaryOnly) out.push(...resourceSection(result.profiles));
  if (!options.compact) out.push(...trendSection(result));
  if (result.sut.exit) {
    out.push('', '### The SUT exited during the run', '');
    out.push(
      `It exited ${result.sut.exit.signal ? `on ${escapeMarkdown(result.sut.exit.signal)}` : `with code ${result.sut.exit.code}`} ${(result.sut.exit.atMs / 1000).toFixed(1)}s after start${result.sut.exit.duringProfile ? `, during profile ${escapeMarkdown(result.sut.exit.duringProfile)}` : ''}.`,
    );
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
    out.push('', '### Notices', '');
    for (const n of result.notices) out.push(`- ${escapeMarkdown(n)}`);
  }
  out.push('', footer(result));
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

function verdictLine(result: RunResult): string {
  const n = result.profiles.length;
  const failed = result.profiles.filter((p) => p.status === 'fail').length;
  const parts = [`${n} profile${n === 1 ? '' : 's'}`];
  if (failed) parts.push(`${failed} failed`);
  const warned = result.warnings.length;
  if (warned) parts.push(`${warned} warning${warned === 1 ? '' : 's'} (level: warn, not failing)`);
  parts.push(`in ${(result.durationMs / 1000).toFixed(0)}s`);
  if (result.git.sha) parts.push(`at ${inlineCode(result.git.sha.slice(0, 7))}`);
  return parts.join(', ') + '.';
}

function profileTable(profiles: readonly ProfileResult[]): string {
  const rows = profiles.map((p) => [
    `${STATUS_ICON[p.status]} ${escapeMarkdown(p.name)}`,
    loadOf(p),
    p.requests.total.toLocaleString('en-US'),
    formatRate(p.throughput.rps),
    formatMs(p.latency.p50),
    formatMs(p.latency.p90),
    formatOptionalMs(percentileReader(p)('p95')),
    formatMs(p.latency.p99),
    formatMs(p.latency.max),
    p.errors.total === 0 ? '0' : `${p.errors.total} (${formatPercent(p.errors.total / Math.max(1, p.requests.total))})`,
  ]);
  return markdownTable(
    [['profile', 'load', 'requests', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max', 'errors'], ...rows],
    { align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] },
  );
}

function loadOf(p: ProfileResult): string {
  if (p.stress) {
    const last = p.stress.steps.at(-1);
    return last
      ? `ramp to ${last.connections !== undefined ? `${last.connections} conns` : `${formatRate(last.offered)} req/s`}`
      : 'ramp';
  }
  if (p.kind === 'load') return p.model === 'open' ? `${formatRate(p.rate ?? 0)} req/s` : `${p.connections ?? 0} conns`;
  return p.kind;
}

/** `lastHeadTrial`: the profile is the last head trial of an A/B (src/run/ab.ts), and the heading says so. */
function profileSection(p: ProfileResult, options: MarkdownOptions, lastHeadTrial: boolean): string[] {
  const heading = `${escapeMarkdown(p.name)} (${p.kind})${lastHeadTrial ? ' — last head trial' : ''}`;
  const out: string[] = ['', `### ${heading}`, ''];
  if (p.slo.checks.length) {
    out.push(
      `SLO${p.slo.checks.some((c) => c.level === 'warn') ? ' (level: warn)' : ''}: ${p.slo.checks.map((c) => `${checkIcon(c)} ${escapeMarkdown(describeCheck(c))}`).join(' · ')}`,
    );
  } else {
    out.push('No SLO configured for this profile.');
  }
  for (const r of p.reasons.filter((r) => !r.startsWith('SLO:'))) out.push(`- ${escapeMarkdown(r)}`);
  out.push(...endpointSection(p, options.maxEndpoints));
  if (p.errors.total > 0) {
    const classes = Object.entries(p.errors.byClass)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${escapeMarkdown(k)}: ${n}`);
    const statuses = Object.entries(p.errors.byStatus).map(([k, n]) => `${escapeMarkdown(k)}: ${n}`);
    out.push('', `Errors by class: ${classes.join(', ')}${statuses.length ? ` (status ${statuses.join(', ')})` : ''}`);
    if (!options.compact && p.errors.samples.length)
      out.push('', ...p.errors.samples.slice(0, 5).map((s) => `- ${inlineCode(s)}`));
  }
  if (!options.compact && p.timeline.length > 1) {
    out.push(
      '',
      `Per second over ${p.timeline.length}s — req/s \`${sparkline(p.timeline.map((t) => t.rps))}\` p99 \`${sparkline(p.timeline.map((t) => t.p99))}\`` +
        (p.timeline.some((t) => t.errors > 0) ? ` errors \`${sparkline(p.timeline.map((t) => t.errors))}\`` : ''),
    );
  }
  out.push(...stressSection(p), ...robustnessSection(p));
  if (!options.compact) {
    const charts = [...timelineCharts(p), ...stressCharts(p)];
    if (charts.length) out.push('', '<details><summary>Charts</summary>', '', charts.join('\n\n'), '', '</details>');
  }
  if (p.degradation)
    out.push('', `Within the run: ${p.degradation.degraded ? '⚠️ ' : ''}${escapeMarkdown(p.degradation.detail)}.`);
  if (p.throughput.bytesPerSec > 0 && !options.compact)
    out.push(
      '',
      `Received ${formatBytes(p.throughput.bytesPerSec)}/s; latency mean ${formatMs(p.latency.mean)} ± ${formatMs(p.latency.stdev)}, p99.9 ${formatMs(p.latency.p999)}.`,
    );
  if (p.generator?.saturated)
    out.push(
      '',
      `⚠️ The load generator was saturated (${p.generator.evidence.map(escapeMarkdown).join('; ')}): numbers may show perfgate's limit rather than the SUT's.`,
    );
  return out;
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}text\n${text}\n${f}`;
}

function footer(result: RunResult): string {
  const env = result.environment;
  return `<sub>perfgate ${escapeMarkdown(result.tool.version)} · ${env.cores}× ${escapeMarkdown(env.cpuModel)} · Node ${escapeMarkdown(env.node)} · ${env.ci ? escapeMarkdown(env.runner) : 'local'} · ${escapeMarkdown(result.startedAt)}</sub>`;
}
