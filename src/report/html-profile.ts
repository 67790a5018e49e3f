/**
 * The profiles in report.html: the table of all profiles with their SLO column (right after the
 * verdict), and each profile's section in the details with its charts. Every string from outside
 * perfgate is HTML-escaped here.
 */
import type { ProfileResult } from '../model/result.js';
import { percentileReader } from '../verdict/percentile.js';
import { describeFirstLimit } from '../stress/limit.js';
import { escapeHtml } from './escape.js';
import { checkIcon, sloCell, sloCheckWords, STATUS_ICON } from './format.js';
import { busiestEndpoints } from './markdown-endpoints.js';
import { profileNumbers } from './markdown-profile.js';
import {
  formatCount,
  formatMs,
  formatPercent,
  formatRate,
  formatSeconds,
  formatThroughput,
  NOT_MEASURED,
} from './numbers.js';

export const h = (tag: string, text: string, cls?: string) =>
  `<${tag}${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</${tag}>`;
export const list = (items: readonly string[]) =>
  items.length ? `<ul>${items.map((i) => h('li', i)).join('')}</ul>` : '';
export const chart = (kind: string, profile?: number, extra = '') =>
  `<div class="chart" data-chart="${kind}"${profile !== undefined ? ` data-profile="${profile}"` : ''}${extra}></div>`;

/** The colour of a mark, or of words that start with one. */
export const markClass = (marked: string) =>
  marked.startsWith('❌') ? 'fail' : marked.startsWith('⚠') ? 'inconclusive' : marked.startsWith('✅') ? 'pass' : '';

/** Every profile with its numbers and, last, its SLO: ✅, or each limit it missed. */
export function profileTable(profiles: readonly ProfileResult[]): string {
  const head = ['profile', 'requests', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max', 'errors', 'SLO'];
  const rows = profiles.map((p) => {
    const numbers = profileNumbers(p);
    const slo = sloCell(p.slo.checks)
      .map((words) => `<span class="${markClass(words)}">${escapeHtml(words)}</span>`)
      .join('<br>');
    return `<tr><td class="${p.status}">${escapeHtml(`${STATUS_ICON[p.status]} ${p.name}`)}</td>${numbers.map((x) => `<td>${x}</td>`).join('')}<td class="text">${slo}</td></tr>`;
  });
  return `<table id="profiles"><thead><tr>${head.map((x) => `<th>${x}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Every endpoint of a profile of several, busiest first (the PR comment shows only the busiest). */
function endpointTable(p: ProfileResult): string {
  const endpoints = busiestEndpoints(p);
  if (endpoints.length === 0) return '';
  const rows = endpoints.map((e) => {
    const p95 = percentileReader(e)('p95');
    const cells = [
      `${e.method} ${e.path}`,
      formatCount(e.requests.total),
      formatRate(e.throughput.rps),
      formatMs(e.latency.p50),
      p95 === null ? NOT_MEASURED : formatMs(p95),
      formatMs(e.latency.p99),
      e.errors.total === 0
        ? '0'
        : `${formatCount(e.errors.total)} (${formatPercent(e.errors.total / Math.max(1, e.requests.total))})`,
    ];
    return `<tr><td class="${e.errors.total ? 'fail' : 'pass'}">${escapeHtml(e.name)}</td>${cells.map((c, i) => `<td${i === 0 ? ' class="text"' : ''}>${escapeHtml(c)}</td>`).join('')}<td class="text">${escapeHtml(e.errors.samples[0] ?? '')}</td></tr>`;
  });
  return `<table><thead><tr><th>endpoint</th><th>request</th><th>requests</th><th>req/s</th><th>p50</th><th>p95</th><th>p99</th><th>errors</th><th>first failure</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A profile's charts: latency, throughput, errors and the SUT's resources share one time axis (html-charts.ts). */
function profileCharts(p: ProfileResult, index: number): string[] {
  const out: string[] = [];
  if (p.timeline.length > 1) out.push(chart('latency', index), chart('throughput', index));
  if (p.timeline.some((t) => t.errors > 0)) out.push(chart('errors', index));
  const samples = p.resources?.samples ?? [];
  if (samples.length) out.push(chart('cpu', index), chart('memory', index));
  if (samples.some((s) => s.eventLoopDelayMs !== undefined)) out.push(chart('event-loop', index));
  return out;
}

function stressParts(p: ProfileResult, index: number): string[] {
  const s = p.stress;
  if (!s) return [];
  const capacity = s.maxSustainableRps === null ? 'none (no step met the SLO)' : formatThroughput(s.maxSustainableRps);
  const firstLimit = describeFirstLimit(s.steps);
  const parts = [
    h(
      'p',
      `Max sustainable load: ${capacity}. Stopped by ${s.breakingPoint.reason}: ${s.breakingPoint.detail}.${firstLimit ? ` ${firstLimit}.` : ''}`,
    ),
  ];
  if (s.recovery)
    parts.push(
      h(
        'p',
        s.recovery.recovered
          ? `Recovered after ${formatSeconds(s.recovery.seconds ?? 0)} at low load.`
          : `Did not recover: ${s.recovery.reason ?? ''}`,
        s.recovery.recovered ? 'pass' : 'fail',
      ),
    );
  parts.push(list(s.exhaustion.map((e) => `${e.resource}: ${e.detail}`)));
  if (s.steps.length > 1) parts.push(chart('stress', index));
  return parts;
}

function robustnessParts(p: ProfileResult): string[] {
  if (!p.robustness) return [];
  const rows = p.robustness.cases.map(
    (c) =>
      `<tr><td class="${c.handled ? 'pass' : 'fail'}">${escapeHtml(c.name)}</td><td class="text">${escapeHtml(c.request)}</td><td class="text">${escapeHtml(c.detail)}</td></tr>`,
  );
  return [
    `<table><thead><tr><th>bad request</th><th>sent</th><th>outcome</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    h('p', `Health check afterwards: ${p.robustness.healthyAfter ? 'answered' : 'failed'}`),
  ];
}

export function profileSection(p: ProfileResult, index: number, lastHeadTrial: boolean): string {
  const kind = `${p.kind}${lastHeadTrial ? ' — last head trial' : ''}`;
  const parts: string[] = [
    `<h3 id="profile-${index}">${escapeHtml(p.name)} <span class="muted">${kind}</span></h3><div class="card">`,
  ];
  if (p.slo.checks.length)
    parts.push(
      `<p>${p.slo.checks.map((c) => `<span class="${markClass(checkIcon(c))}">${checkIcon(c)} ${escapeHtml(sloCheckWords(c))}</span>`).join(' · ')}</p>`,
    );
  parts.push(list(p.reasons), endpointTable(p), ...profileCharts(p, index), ...stressParts(p, index));
  parts.push(...robustnessParts(p));
  if (p.errors.total) {
    const classes = Object.entries(p.errors.byClass)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k}: ${formatCount(n)}`);
    parts.push(h('p', `Errors by class: ${classes.join(', ')}`));
    if (p.errors.samples.length) parts.push(`<pre>${p.errors.samples.map(escapeHtml).join('\n')}</pre>`);
  }
  if (p.degradation) parts.push(h('p', `${p.degradation.degraded ? '⚠ ' : ''}${p.degradation.detail}`));
  parts.push('</div>');
  return parts.join('');
}
