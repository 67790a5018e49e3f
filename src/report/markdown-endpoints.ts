/**
 * A profile's endpoints in the markdown report: one row per request name, busiest first, with
 * its own latency, errors and first failure, so that "which route got slower or fails" is read
 * off the table instead of a blended profile number. The PR comment shows the busiest few.
 */
import { markdownTable } from 'markdown-table';
import type { EndpointResult, ProfileResult } from '../model/result.js';
import { percentileReader } from '../verdict/percentile.js';
import { escapeMarkdown, inlineCode } from './escape.js';
import { formatCount, formatMs, formatOptionalMs, formatPercent, formatRate } from './numbers.js';

/**
 * A profile's endpoints, busiest first, when it has several (the one endpoint of a profile of one
 * is the profile itself): what every report breaks a profile down into.
 */
export function busiestEndpoints(p: Pick<ProfileResult, 'endpoints'>): EndpointResult[] {
  const endpoints = p.endpoints ?? [];
  return endpoints.length < 2 ? [] : [...endpoints].sort((a, b) => b.requests.total - a.requests.total);
}

/** The endpoints table of a profile of several endpoints (nothing for one); `max`: rows shown, busiest first. */
export function endpointSection(p: ProfileResult, max = Infinity): string[] {
  const busiest = busiestEndpoints(p);
  if (busiest.length === 0) return [];
  const shown = busiest.slice(0, max);
  const rows = shown.map((e) => [
    `${e.errors.total ? '❌' : '✅'} ${escapeMarkdown(e.name)}`,
    formatCount(e.requests.total),
    formatRate(e.throughput.rps),
    formatMs(e.latency.p50),
    formatOptionalMs(percentileReader(e)('p95')),
    formatMs(e.latency.p99),
    errorsOf(e),
    e.errors.samples[0] ? inlineCode(e.errors.samples[0]) : '',
  ]);
  const table = markdownTable(
    [['endpoint', 'requests', 'req/s', 'p50', 'p95', 'p99', 'errors', 'first failure'], ...rows],
    { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'] },
  );
  const more = busiest.length - shown.length;
  return ['', table, ...(more > 0 ? ['', `… and ${more} more endpoints (see report.html or result.json).`] : [])];
}

function errorsOf(e: EndpointResult): string {
  if (e.errors.total === 0) return '0';
  const classes = Object.entries(e.errors.byClass)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${escapeMarkdown(k)} ${formatCount(n)}`);
  return `${formatCount(e.errors.total)} (${formatPercent(e.errors.total / Math.max(1, e.requests.total))}: ${classes.join(', ')})`;
}
