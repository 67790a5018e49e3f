/**
 * report.html: one self-contained file (no network access needed) with the verdict, the profile
 * table and each profile's details. Every string from outside perfgate is HTML-escaped; the
 * result is embedded as JSON with `<` escaped so that it cannot close the script element.
 */
import { describeCheck } from '../gate.js';
import type { ProfileResult, RunResult } from '../model.js';
import { formatMs, formatPercent, formatRate, STATUS_ICON } from './format.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON safe to place inside <script type="application/json">. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px} h3{font-size:15px;margin:16px 0 6px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px;margin:12px 0}
table{border-collapse:collapse;width:100%} th,td{padding:6px 10px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left} th{font-weight:600;background:#f6f8fa}
.pass{color:#1a7f37}.fail{color:#cf222e}.inconclusive{color:#9a6700}.error{color:#cf222e}
.muted{color:#656d76;font-size:12px} pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
ul{margin:6px 0;padding-left:20px}
`;

export function buildHtmlReport(result: RunResult): string {
  const title = `perfgate: ${result.status}`;
  const body: string[] = [];
  body.push(`<h1 class="${result.status}">${STATUS_ICON[result.status]} ${escapeHtml(title)}</h1>`);
  body.push(`<div class="muted">${escapeHtml(result.startedAt)} · ${(result.durationMs / 1000).toFixed(0)}s${result.git.sha ? ` · ${escapeHtml(result.git.sha.slice(0, 7))}` : ''} · perfgate ${escapeHtml(result.tool.version)}</div>`);
  if (result.reasons.length) body.push(`<div class="card"><ul>${result.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></div>`);
  if (result.profiles.length) body.push(`<div class="card">${profileTable(result.profiles)}</div>`);
  for (const p of result.profiles) body.push(profileSection(p));
  if (result.sut.logTail && result.status === 'error') body.push(`<h2>Last lines of the SUT's output</h2><pre>${escapeHtml(result.sut.logTail)}</pre>`);
  if (result.notices.length) body.push(`<h2>Notices</h2><ul>${result.notices.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  const env = result.environment;
  body.push(`<p class="muted">${env.cores}× ${escapeHtml(env.cpuModel)} · ${escapeHtml(env.os)} · Node ${escapeHtml(env.node)} · ${env.ci ? escapeHtml(env.runner) : 'local run'}</p>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${body.join('\n')}
</main>
<script type="application/json" id="perfgate-result">${embedJson(result)}</script>
</body></html>
`;
}

function profileTable(profiles: readonly ProfileResult[]): string {
  const head = ['profile', 'status', 'requests', 'req/s', 'p50', 'p90', 'p99', 'max', 'errors'];
  const rows = profiles.map(
    (p) =>
      `<tr><td>${escapeHtml(p.name)}</td><td class="${p.status}">${p.status}</td><td>${p.requests.total}</td><td>${formatRate(p.throughput.rps)}</td><td>${formatMs(p.latency.p50)}</td><td>${formatMs(p.latency.p90)}</td><td>${formatMs(p.latency.p99)}</td><td>${formatMs(p.latency.max)}</td><td>${p.errors.total}${p.errors.total ? ` (${formatPercent(p.errors.total / Math.max(1, p.requests.total))})` : ''}</td></tr>`,
  );
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function profileSection(p: ProfileResult): string {
  const parts: string[] = [`<h2 id="profile-${escapeHtml(p.name)}">${escapeHtml(p.name)} <span class="muted">${p.kind}</span></h2><div class="card">`];
  if (p.slo.checks.length) parts.push(`<p>${p.slo.checks.map((c) => `<span class="${c.pass ? 'pass' : 'fail'}">${c.pass ? '✔' : '✘'} ${escapeHtml(describeCheck(c))}</span>`).join(' · ')}</p>`);
  if (p.reasons.length) parts.push(`<ul>${p.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`);
  if (p.errors.total) {
    const classes = Object.entries(p.errors.byClass).filter(([, n]) => n > 0).map(([k, n]) => `${escapeHtml(k)}: ${n}`);
    parts.push(`<p>Errors by class: ${classes.join(', ')}</p>`);
    if (p.errors.samples.length) parts.push(`<pre>${p.errors.samples.map(escapeHtml).join('\n')}</pre>`);
  }
  if (p.timeline.length) {
    parts.push('<details><summary>Per-second timeline</summary><table><thead><tr><th>t (s)</th><th>req/s</th><th>p50</th><th>p99</th><th>errors</th></tr></thead><tbody>');
    parts.push(p.timeline.map((t) => `<tr><td>${t.t}</td><td>${formatRate(t.rps)}</td><td>${formatMs(t.p50)}</td><td>${formatMs(t.p99)}</td><td>${t.errors}</td></tr>`).join(''));
    parts.push('</tbody></table></details>');
  }
  if (p.degradation) parts.push(`<p>${p.degradation.degraded ? '⚠ ' : ''}${escapeHtml(p.degradation.detail)}</p>`);
  parts.push('</div>');
  return parts.join('');
}
