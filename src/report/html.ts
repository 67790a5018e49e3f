/**
 * report.html: one self-contained file (scripts, styles and data inlined; opens from disk or
 * from a downloaded artifact with no network access), in the order of report.md (issue 16):
 * the verdict naming the regressions, the base and one line of numbers; the table that decided
 * the run (the comparison's gated or moved rows, failing first, and the profiles with their SLO
 * column); the bottlenecks and suggestions; then the details: the rest of the comparison with its
 * charts, each profile with its charts drawn by uPlot from the embedded result, trends, notices.
 * Every string from outside perfgate is HTML-escaped here and set with textContent in the
 * browser; the result is embedded as JSON with `<` escaped so that it cannot close its script
 * element.
 */
import {
  AB_CHANGE_NOTE,
  cells,
  comparisonHeader,
  designSentence,
  gatesSentence,
  neighboursSentence,
} from '../compare/format.js';
import type { ComparedMetric, Comparison } from '../model/compare.js';
import type { RunResult } from '../model/result.js';
import { CHART_SCRIPT } from './html-charts.js';
import { chart, h, list, markClass, profileSection, profileTable } from './html-profile.js';
import { escapeHtml } from './escape.js';
import { baseLine, headline, summaryWords } from './headline.js';
import { comparisonRows, reasonsNotInTables } from './layout.js';
import { formatPercent, formatSeconds, formatTimestamp } from './numbers.js';
import { UPLOT_CSS, UPLOT_JS } from './vendor/uplot.js';

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

export function buildHtmlReport(result: RunResult): string {
  const body = [
    ...openingParts(result),
    ...verdictParts(result),
    '<h2 id="details">Details</h2>',
    ...detailParts(result),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(`perfgate: ${result.status}`)}</title><style>${UPLOT_CSS}</style><style>${STYLE}</style></head>
<body><main>
${body.join('\n')}
</main>
<script type="application/json" id="perfgate-result">${embedJson(chartData(result))}</script>
<script>${UPLOT_JS}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}

/** The headline, the base, one line of numbers, and when, where and what ran. */
function openingParts(result: RunResult): string[] {
  // The headline, the base line and the summary are built from perfgate's words and names escaped here.
  const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
  const out = [`<h1 id="verdict" class="${result.status}">${headline(result, escapeHtml)}</h1>`];
  const base = baseLine(result, escapeHtml, code);
  if (base) out.push(`<p>${base}</p>`);
  out.push(`<p id="summary">${summaryWords(result, code)}</p>`);
  const when = [
    formatTimestamp(result.startedAt),
    formatSeconds(result.durationMs / 1000),
    ...(result.git.branch ? [result.git.branch] : []),
    `perfgate ${result.tool.version}`,
  ];
  out.push(h('div', when.join(' · '), 'muted'));
  return out;
}

/** What decided the run: reasons and warnings, the comparison's first rows, the profiles, bottlenecks and suggestions. */
function verdictParts(result: RunResult): string[] {
  const out: string[] = [];
  const reasons = reasonsNotInTables(result);
  if (reasons.length) out.push(`<div class="card">${list(reasons)}</div>`);
  if (result.warnings.length)
    out.push(`<div class="card inconclusive">${list(result.warnings.map((w) => `⚠️ ${w}`))}</div>`);
  const c = result.comparison;
  if (c?.metrics.length) out.push(comparisonSection(c));
  // An A/B's profiles are its last head trial; the comparison above has base and head side by side.
  if (result.profiles.length)
    out.push(
      `<h2>${c?.method === 'ab' ? 'Last head trial of each profile' : 'Profiles and their SLOs'}</h2><div class="card">${profileTable(result.profiles)}</div>`,
    );
  if (result.bottlenecks.length) {
    const found = result.bottlenecks.map(
      (b) => `${b.kind} in ${b.profile} (confidence ${formatPercent(b.confidence, 0)}): ${b.evidence.join('; ')}`,
    );
    out.push(`<h2 id="bottlenecks">Bottlenecks</h2><div class="card">${list(found)}</div>`);
  }
  if (result.suggestions.length) {
    out.push(
      '<h2 id="suggestions">Suggestions</h2><p class="muted">Proposals for a human to review; perfgate applies nothing.</p>',
    );
    for (const s of result.suggestions)
      out.push(
        `<div class="card review">${h('h3', `${s.category}: ${s.title}${s.profile ? ` (${s.profile})` : ''}`)}${h('p', `Expected impact: ${s.expectedImpact}`)}${list(s.evidence)}</div>`,
      );
  }
  return out;
}

/** The rest of the comparison and its charts, each profile, trends, the SUT's output, notices, the machine. */
function detailParts(result: RunResult): string[] {
  const out: string[] = [];
  const c = result.comparison;
  if (c?.metrics.length) out.push(comparisonDetails(c));
  const ab = c?.method === 'ab';
  result.profiles.forEach((p, i) => out.push(profileSection(p, i, ab)));
  if (result.trends?.length) {
    out.push(
      '<h3>Trend over the stored history</h3><div class="card">',
      ...result.trends.slice(0, 12).map((_, i) => chart('trend', undefined, ` data-trend="${i}"`)),
      '</div>',
    );
  }
  if (result.sut.logTail && result.status === 'error')
    out.push(`<h3>Last lines of the SUT's output</h3><pre>${escapeHtml(result.sut.logTail)}</pre>`);
  if (result.notices.length) out.push('<h3>Notices</h3>', list(result.notices));
  const env = result.environment;
  const machine = `${env.cores}× ${env.cpuModel} · ${env.os} · Node ${env.node} · ${env.ci ? env.runner : 'local run'}`;
  out.push(h('p', machine, 'muted'));
  return out;
}

function comparisonTable(c: Comparison, rows: readonly { m: ComparedMetric; mark: string }[], id = ''): string {
  const header = ['', ...comparisonHeader(c.method)];
  const verdictClass = (v: string) => (v === 'regression' ? 'fail' : v === 'improvement' ? 'pass' : '');
  const body = rows.map(({ m, mark }) => {
    const row = cells(m);
    const tds = row.map(
      (x, i) => `<td${i === row.length - 1 ? ` class="${verdictClass(m.verdict)}"` : ''}>${escapeHtml(x)}</td>`,
    );
    return `<tr><td class="${markClass(mark)}">${mark}</td>${tds.join('')}</tr>`;
  });
  return `<table${id ? ` id="${id}"` : ''}><thead><tr>${header.map((x) => `<th>${escapeHtml(x)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** The rows with a gate or a change, failing first, and the gates applied. */
function comparisonSection(c: Comparison): string {
  const { shown, quiet } = comparisonRows(c);
  const table = shown.length ? comparisonTable(c, shown, 'comparison') : h('p', 'No compared row has a gate or moved.');
  const more = quiet.length
    ? h(
        'p',
        `${quiet.length} more row${quiet.length === 1 ? '' : 's'} without a gate and without a change under Details.`,
        'muted',
      )
    : '';
  const gates = gatesSentence(c);
  const neighbours = neighboursSentence(c);
  const design = designSentence(c);
  const title = `Comparison (${c.method === 'ab' ? 'same-runner A/B' : 'stored baseline'})`;
  return `<h2 id="comparison-title">${title}</h2><div class="card">${table}${more}${gates ? h('p', gates) : ''}${neighbours ? h('p', neighbours) : ''}${design ? h('p', design, 'muted') : ''}${list(c.warnings)}</div>`;
}

/** The quiet rows, how to read the table, the change of each row with its interval and gate, and each A/B pair. */
function comparisonDetails(c: Comparison): string {
  const { quiet } = comparisonRows(c);
  const table = quiet.length
    ? comparisonTable(
        c,
        quiet.map((m) => ({ m, mark: '✅' })),
      )
    : '';
  const notes = [...(c.method === 'ab' ? [AB_CHANGE_NOTE] : [])];
  // Per-pair values of the metrics a reader checks first (the table has them all), a few profiles at most.
  const trialCharts = c.metrics
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => (m.trials?.length ?? 0) > 0 && ['p50', 'p99', 'throughput'].includes(m.metric))
    .slice(0, 12)
    .map(({ i }) => chart('ab-trials', undefined, ` data-metric="${i}"`))
    .join('');
  return `<h3>Comparison</h3><div class="card">${table}${notes.map((n) => h('p', n, 'muted')).join('')}${chart('comparison')}${trialCharts}</div>`;
}

/** The result as the charts need it: the HDR histograms (kept in result.json) are left out. */
function chartData(result: RunResult): RunResult {
  return { ...result, profiles: result.profiles.map(({ histogram: _h, ...p }) => p) };
}
