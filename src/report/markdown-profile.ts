/**
 * The profiles in the markdown report: the table of all profiles with their SLO (what a run
 * without a comparison is judged by, so it comes right after the verdict), and each profile's
 * own section in the details (its checks, endpoints, errors, timeline, stress steps, charts).
 */
import { markdownTable } from 'markdown-table';
import type { ProfileResult } from '../model/result.js';
import { percentileReader } from '../verdict/percentile.js';
import { escapeMarkdown, inlineCode } from './escape.js';
import { checkIcon, sloCell, sloCheckWords, sparkline, STATUS_ICON } from './format.js';
import { endpointSection } from './markdown-endpoints.js';
import { robustnessSection, stressSection } from './markdown-stress.js';
import { stressCharts, timelineCharts } from './mermaid.js';
import {
  formatBytes,
  formatCount,
  formatMs,
  formatOptionalMs,
  formatPercent,
  formatRate,
  formatSeconds,
  formatThroughput,
} from './numbers.js';

/** A profile's errors: "0", or "12 (1.20 %)". */
function errorsCell(m: Pick<ProfileResult, 'errors' | 'requests'>): string {
  if (m.errors.total === 0) return '0';
  return `${formatCount(m.errors.total)} (${formatPercent(m.errors.total / Math.max(1, m.requests.total))})`;
}

/** A profile's numbers as both tables show them: requests, req/s, p50, p90, p95, p99, max, errors. */
export function profileNumbers(p: ProfileResult): string[] {
  return [
    formatCount(p.requests.total),
    formatRate(p.throughput.rps),
    formatMs(p.latency.p50),
    formatMs(p.latency.p90),
    formatOptionalMs(percentileReader(p)('p95')),
    formatMs(p.latency.p99),
    formatMs(p.latency.max),
    errorsCell(p),
  ];
}

/** Every profile with its numbers and, last, its SLO: ✅, or each limit it missed. */
export function profileTable(profiles: readonly ProfileResult[]): string {
  const rows = profiles.map((p) => [
    `${STATUS_ICON[p.status]} ${escapeMarkdown(p.name)}`,
    loadOf(p),
    ...profileNumbers(p),
    sloCell(p.slo.checks).map(escapeMarkdown).join('; '),
  ]);
  return markdownTable(
    [['profile', 'load', 'requests', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max', 'errors', 'SLO'], ...rows],
    { align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'] },
  );
}

function loadOf(p: ProfileResult): string {
  if (p.stress) {
    const last = p.stress.steps.at(-1);
    return last
      ? `ramp to ${last.connections !== undefined ? `${formatCount(last.connections)} conns` : formatThroughput(last.offered)}`
      : 'ramp';
  }
  if (p.kind === 'load')
    return p.model === 'open' ? formatThroughput(p.rate ?? 0) : `${formatCount(p.connections ?? 0)} conns`;
  return p.kind;
}

export interface ProfileSectionOptions {
  /** Drop the timelines, error samples and charts (to fit a size limit). */
  compact?: boolean | undefined;
  /** Endpoint rows shown, busiest first. */
  maxEndpoints?: number | undefined;
  /** The profile is the last head trial of an A/B (src/run/ab.ts), and the heading says so. */
  lastHeadTrial?: boolean | undefined;
}

export function profileSection(p: ProfileResult, options: ProfileSectionOptions): string[] {
  const heading = `${escapeMarkdown(p.name)} (${p.kind})${options.lastHeadTrial ? ' — last head trial' : ''}`;
  const out: string[] = ['', `#### ${heading}`, ''];
  if (p.slo.checks.length) {
    out.push(
      `SLO${p.slo.checks.some((c) => c.level === 'warn') ? ' (level: warn)' : ''}: ${p.slo.checks.map((c) => `${checkIcon(c)} ${escapeMarkdown(sloCheckWords(c))}`).join(' · ')}`,
    );
  } else {
    out.push('No SLO configured for this profile.');
  }
  for (const r of p.reasons.filter((r) => !r.startsWith('SLO:'))) out.push(`- ${escapeMarkdown(r)}`);
  out.push(...endpointSection(p, options.maxEndpoints), ...errorLines(p, options));
  if (!options.compact && p.timeline.length > 1) {
    out.push(
      '',
      `Per second over ${formatSeconds(p.timeline.length)} — req/s \`${sparkline(p.timeline.map((t) => t.rps))}\` p99 \`${sparkline(p.timeline.map((t) => t.p99))}\`` +
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
  const waits = poolWaitLine(p);
  if (waits) out.push('', waits);
  if (p.generator?.engine && !options.compact) out.push('', `Load sent by ${ENGINE_WORDS[p.generator.engine]}.`);
  return out;
}

/** Errors by class and status, and (unless compact) the first few failures. */
function errorLines(p: ProfileResult, options: ProfileSectionOptions): string[] {
  if (p.errors.total === 0) return [];
  const classes = Object.entries(p.errors.byClass)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${escapeMarkdown(k)}: ${formatCount(n)}`);
  const statuses = Object.entries(p.errors.byStatus).map(([k, n]) => `${escapeMarkdown(k)}: ${formatCount(n)}`);
  const out = [
    '',
    `Errors by class: ${classes.join(', ')}${statuses.length ? ` (status ${statuses.join(', ')})` : ''}`,
  ];
  if (!options.compact && p.errors.samples.length)
    out.push('', ...p.errors.samples.slice(0, 5).map((s) => `- ${inlineCode(s)}`));
  return out;
}

const ENGINE_WORDS: Record<NonNullable<NonNullable<ProfileResult['generator']>['engine']>, string> = {
  perfgate: "perfgate's HTTP/1.1 engine",
  autocannon: 'autocannon (engine: autocannon)',
  undici: "undici's connection pool (engine: autocannon)",
};

/**
 * The open model's arrivals that waited for one of perfgate's connections, when they are more than
 * 1 % of the requests: their latency includes the wait, which a SUT able to serve more requests at
 * once would not have caused.
 */
function poolWaitLine(p: ProfileResult): string | undefined {
  const pool = p.generator?.connections;
  const attempts = p.requests.total + p.requests.dropped;
  if (!pool || pool.waited === 0 || pool.waited < 0.01 * attempts) return undefined;
  return `ℹ️ ${formatCount(pool.waited)} arrivals found all ${formatCount(pool.maxConnections)} of perfgate's connections busy and waited for one (longest ${formatMs(pool.longestWaitMs)}); their latency counts from their intended time, so it includes the wait. If the SUT can serve more requests at once, raise \`maxConnections\`.`;
}
