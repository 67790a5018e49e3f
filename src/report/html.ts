/**
 * report.html: one self-contained file (scripts, styles and data inlined; opens from disk or
 * from a downloaded artifact with no network access) with the verdict (naming the regressions)
 * and the base, the comparison, then the tables, and charts drawn by uPlot from the embedded
 * result, in the order of report.md. Every string from outside perfgate is HTML-escaped
 * here and set with textContent in the browser; the result is embedded as JSON with `<` escaped
 * so that it cannot close its script element.
 */
import { AB_CHANGE_NOTE, cells, comparisonHeader, gatesSentence } from '../compare/format.js';
import { describeCheck } from '../verdict/slo.js';
import type { ProfileResult, RunResult } from '../model/result.js';
import { checkIcon, formatMs, formatOptionalMs, formatPercent, formatRate } from './format.js';
import { percentileReader } from '../verdict/percentile.js';
import { CHART_SCRIPT } from './html-charts.js';
import { baseLine, headline } from './headline.js';
import { busiestEndpoints } from './markdown-endpoints.js';
import { UPLOT_CSS, UPLOT_JS } from './vendor/uplot.js';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe to place inside <script type="application/json">. */
function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px} h3{font-size:15px;margin:16px 0 6px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px;margin:12px 0;overflow-x:auto}
table{border-collapse:collapse;width:100%} th,td{padding:6px 10px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left} th{font-weight:600;background:#f6f8fa} td.text{text-align:left;white-space:normal}
.pass{color:#1a7f37}.fail{color:#cf222e}.inconclusive{color:#9a6700}.error{color:#cf222e}
.muted{color:#656d76;font-size:12px} pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
.chart{margin:8px 0;min-height:40px} .review{border-left:3px solid #9a6700;padding-left:10px}
ul{margin:6px 0;padding-left:20px}
`;

const h = (tag: string, text: string, cls?: string) =>
  `<${tag}${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</${tag}>`;
const list = (items: readonly string[]) => (items.length ? `<ul>${items.map((i) => h('li', i)).join('')}</ul>` : '');
const chart = (kind: string, profile?: number, extra = '') =>
  `<div class="chart" data-chart="${kind}"${profile !== undefined ? ` data-profile="${profile}"` : ''}${extra}></div>`;

export function buildHtmlReport(result: RunResult): string {
  const title = `perfgate: ${result.status}`;
  const body: string[] = [];
  // The headline and the base line are built from perfgate's words and names escaped here.
  body.push(`<h1 class="${result.status}">${headline(result, escapeHtml)}</h1>`);
  const base = baseLine(result, escapeHtml, (sha) => `<code>${escapeHtml(sha)}</code>`);
  if (base) body.push(`<p>${base}</p>`);
  body.push(
    h(
      'div',
      `${result.startedAt} · ${(result.durationMs / 1000).toFixed(0)}s${result.git.sha ? ` · ${result.git.sha.slice(0, 7)}` : ''}${result.git.branch ? ` · ${result.git.branch}` : ''} · perfgate ${result.tool.version}`,
      'muted',
    ),
  );
  if (result.reasons.length) body.push(`<div class="card">${list(result.reasons)}</div>`);
  if (result.warnings.length)
    body.push(`<div class="card inconclusive">${list(result.warnings.map((w) => `⚠️ ${w}`))}</div>`);
  if (result.comparison?.metrics.length) body.push(comparisonSection(result));
  const ab = result.comparison?.method === 'ab';
  // An A/B's profiles are its last head trial; the comparison above has base and head side by side.
  if (result.profiles.length)
    body.push(
      `${ab ? '<h2>Last head trial of each profile</h2>' : ''}<div class="card">${profileTable(result.profiles)}</div>`,
    );
  result.profiles.forEach((p, i) => body.push(profileSection(p, i, ab)));
  if (result.bottlenecks.length) {
    body.push(
      '<h2>Bottlenecks</h2><div class="card">',
      list(
        result.bottlenecks.map(
          (b) => `${b.kind} in ${b.profile} (confidence ${(b.confidence * 100).toFixed(0)}%): ${b.evidence.join('; ')}`,
        ),
      ),
      '</div>',
    );
  }
  if (result.suggestions.length) {
    body.push('<h2>Suggestions</h2><p class="muted">Proposals for a human to review; perfgate applies nothing.</p>');
    for (const s of result.suggestions)
      body.push(
        `<div class="card review">${h('h3', `${s.category}: ${s.title}${s.profile ? ` (${s.profile})` : ''}`)}${h('p', `Expected impact: ${s.expectedImpact}`)}${list(s.evidence)}</div>`,
      );
  }
  if (result.trends?.length) {
    body.push(
      '<h2>Trend over the stored history</h2><div class="card">',
      ...result.trends.slice(0, 12).map((_, i) => chart('trend', undefined, ` data-trend="${i}"`)),
      '</div>',
    );
  }
  if (result.sut.logTail && result.status === 'error')
    body.push(`<h2>Last lines of the SUT's output</h2><pre>${escapeHtml(result.sut.logTail)}</pre>`);
  if (result.notices.length) body.push('<h2>Notices</h2>', list(result.notices));
  const env = result.environment;
  body.push(
    h(
      'p',
      `${env.cores}× ${env.cpuModel} · ${env.os} · Node ${env.node} · ${env.ci ? env.runner : 'local run'}`,
      'muted',
    ),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title><style>${UPLOT_CSS}</style><style>${STYLE}</style></head>
<body><main>
${body.join('\n')}
</main>
<script type="application/json" id="perfgate-result">${embedJson(chartData(result))}</script>
<script>${UPLOT_JS}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}

function profileTable(profiles: readonly ProfileResult[]): string {
  const head = ['profile', 'status', 'requests', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max', 'errors'];
  const rows = profiles.map(
    (p) =>
      `<tr><td>${escapeHtml(p.name)}</td><td class="${p.status}">${p.status}</td><td>${p.requests.total}</td><td>${formatRate(p.throughput.rps)}</td><td>${formatMs(p.latency.p50)}</td><td>${formatMs(p.latency.p90)}</td><td>${formatOptionalMs(percentileReader(p)('p95'))}</td><td>${formatMs(p.latency.p99)}</td><td>${formatMs(p.latency.max)}</td><td>${p.errors.total}${p.errors.total ? ` (${formatPercent(p.errors.total / Math.max(1, p.requests.total))})` : ''}</td></tr>`,
  );
  return `<table><thead><tr>${head.map((x) => `<th>${x}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Every endpoint of a profile of several, busiest first (the PR comment shows only the busiest). */
function endpointTable(p: ProfileResult): string {
  const endpoints = busiestEndpoints(p);
  if (endpoints.length === 0) return '';
  const rows = endpoints.map((e) => {
    const p95 = percentileReader(e)('p95');
    const cells = [
      `${e.method} ${e.path}`,
      e.requests.total.toLocaleString('en-US'),
      formatRate(e.throughput.rps),
      formatMs(e.latency.p50),
      p95 === null ? '–' : formatMs(p95),
      formatMs(e.latency.p99),
      e.errors.total === 0
        ? '0'
        : `${e.errors.total} (${formatPercent(e.errors.total / Math.max(1, e.requests.total))})`,
    ];
    return `<tr><td class="${e.errors.total ? 'fail' : 'pass'}">${escapeHtml(e.name)}</td>${cells.map((c, i) => `<td${i === 0 ? ' class="text"' : ''}>${escapeHtml(c)}</td>`).join('')}<td class="text">${escapeHtml(e.errors.samples[0] ?? '')}</td></tr>`;
  });
  return `<table><thead><tr><th>endpoint</th><th>request</th><th>requests</th><th>req/s</th><th>p50</th><th>p95</th><th>p99</th><th>errors</th><th>first failure</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function profileSection(p: ProfileResult, index: number, lastHeadTrial: boolean): string {
  const kind = `${p.kind}${lastHeadTrial ? ' — last head trial' : ''}`;
  const parts: string[] = [
    `<h2 id="profile-${index}">${escapeHtml(p.name)} <span class="muted">${kind}</span></h2><div class="card">`,
  ];
  if (p.slo.checks.length)
    parts.push(
      `<p>${p.slo.checks.map((c) => `<span class="${c.pass ? 'pass' : checkIcon(c) === '⚠️' ? 'inconclusive' : 'fail'}">${c.pass ? '✔' : checkIcon(c) === '⚠️' ? '⚠' : '✘'} ${escapeHtml(describeCheck(c))}</span>`).join(' · ')}</p>`,
    );
  parts.push(list(p.reasons));
  parts.push(endpointTable(p));
  if (p.timeline.length > 1) parts.push(chart('latency', index), chart('throughput', index));
  if (p.stress) {
    const s = p.stress;
    parts.push(
      h(
        'p',
        `Max sustainable load: ${s.maxSustainableRps === null ? 'none (no step met the SLO)' : `${formatRate(s.maxSustainableRps)} req/s`}. Stopped by ${s.breakingPoint.reason}: ${s.breakingPoint.detail}.`,
      ),
    );
    if (s.recovery)
      parts.push(
        h(
          'p',
          s.recovery.recovered
            ? `Recovered after ${s.recovery.seconds ?? 0}s at low load.`
            : `Did not recover: ${s.recovery.reason ?? ''}`,
          s.recovery.recovered ? 'pass' : 'fail',
        ),
      );
    parts.push(list(s.exhaustion.map((e) => `${e.resource}: ${e.detail}`)));
    if (s.steps.length > 1) parts.push(chart('stress', index));
  }
  if (p.robustness) {
    parts.push('<table><thead><tr><th>bad request</th><th>sent</th><th>outcome</th></tr></thead><tbody>');
    parts.push(
      p.robustness.cases
        .map(
          (c) =>
            `<tr><td class="${c.handled ? 'pass' : 'fail'}">${escapeHtml(c.name)}</td><td class="text">${escapeHtml(c.request)}</td><td class="text">${escapeHtml(c.detail)}</td></tr>`,
        )
        .join(''),
    );
    parts.push(
      '</tbody></table>',
      h('p', `Health check afterwards: ${p.robustness.healthyAfter ? 'answered' : 'failed'}`),
    );
  }
  if (p.resources?.samples.length) parts.push(chart('resources', index));
  if (p.errors.total) {
    const classes = Object.entries(p.errors.byClass)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k}: ${n}`);
    parts.push(h('p', `Errors by class: ${classes.join(', ')}`));
    if (p.errors.samples.length) parts.push(`<pre>${p.errors.samples.map(escapeHtml).join('\n')}</pre>`);
  }
  if (p.degradation) parts.push(h('p', `${p.degradation.degraded ? '⚠ ' : ''}${p.degradation.detail}`));
  parts.push('</div>');
  return parts.join('');
}

function comparisonSection(result: RunResult): string {
  const c = result.comparison;
  if (!c) return '';
  const header = comparisonHeader(c.method);
  const verdictClass = (v: string) => (v === 'regression' ? 'fail' : v === 'improvement' ? 'pass' : '');
  const rows = c.metrics.map((m) => {
    const row = cells(m);
    return `<tr>${row.map((x, i) => `<td${i === row.length - 1 ? ` class="${verdictClass(m.verdict)}"` : ''}>${escapeHtml(x)}</td>`).join('')}</tr>`;
  });
  // Per-pair values of the metrics a reader checks first (the table has them all), a few profiles at most.
  const trialCharts = c.metrics
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => (m.trials?.length ?? 0) > 0 && ['p50', 'p99', 'throughput'].includes(m.metric))
    .slice(0, 12)
    .map(({ i }) => chart('ab-trials', undefined, ` data-metric="${i}"`))
    .join('');
  const gates = gatesSentence(c);
  const notes = [...(c.method === 'ab' ? [AB_CHANGE_NOTE] : []), ...(gates ? [gates] : [])];
  return `<h2>Comparison (${c.method === 'ab' ? 'same-runner A/B' : 'stored baseline'})</h2><div class="card"><table><thead><tr>${header.map((x) => `<th>${escapeHtml(x)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${notes.map((n) => h('p', n, 'muted')).join('')}${list(c.warnings)}${chart('comparison')}${trialCharts}</div>`;
}

/** The result as the charts need it: the HDR histograms (kept in result.json) are left out. */
function chartData(result: RunResult): RunResult {
  return { ...result, profiles: result.profiles.map(({ histogram: _h, ...p }) => p) };
}
