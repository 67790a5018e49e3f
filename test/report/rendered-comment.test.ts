/**
 * The PR comment as a reader sees it (issue 16: "a report a maintainer reads in ten seconds"):
 * the markdown that planComment posts, rendered by a CommonMark + GFM renderer (marked), then
 * read as text in the order a reader meets it. A passing, unchanged run must be a few lines and
 * one collapsed section; a failing run must open with what failed and the table that says it;
 * neither may show a markdown backslash escape, which GitHub prints as it is inside HTML blocks
 * (a `<summary>` once read "checkout \(v2\+\)").
 */
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import type { ComparedMetric } from '../../src/model/compare.js';
import type { RunResult } from '../../src/model/result.js';
import { planComment } from '../../src/report/size.js';
import { profile, result } from '../helpers/results.js';

const gfm = new Marked({ gfm: true, async: false });
const MARKER = '<!-- perfgate:comment id=default -->';
/** Parentheses and a plus in a name: what markdown escapes with a backslash. */
const NAME = 'checkout (v2+)';

const render = (r: RunResult) => gfm.parse(planComment(r, { marker: MARKER }).body, { async: false });

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#64': '@', '#47': '/' };
/** The text of some HTML as a reader sees it: one line per block, a table row's cells joined by " | ", entities decoded. */
function textOf(html: string): string[] {
  return html
    .replace(/\s*\n\s*/g, ' ')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\/(p|h\d|li|tr|summary|div|pre)>|<br\s*\/?>/g, '\n')
    .replace(/<\/t[dh]>/g, ' | ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|#64|#47);/g, (_, e: string) => ENTITIES[e] ?? '')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/** The HTML with each top-level <details> reduced to its <summary>: what a reader sees before opening anything. */
function collapsed(html: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = html.indexOf('<details>', i);
    if (open < 0) return out + html.slice(i);
    out += html.slice(i, open);
    let depth = 0;
    const tags = /<(\/?)details>/g;
    tags.lastIndex = open;
    for (let m = tags.exec(html); m; m = tags.exec(html)) {
      depth += m[1] ? -1 : 1;
      if (depth === 0) {
        out += /<summary>[\s\S]*?<\/summary>/.exec(html.slice(open, m.index))?.[0] ?? '';
        i = m.index + m[0].length;
        break;
      }
    }
    if (depth !== 0) throw new Error('unbalanced <details> in the rendered comment');
  }
}

const headings = (html: string) =>
  [...html.matchAll(/<h(\d)[^>]*>([\s\S]*?)<\/h\1>/g)].map((m) => textOf(m[2] ?? '').join(' '));
const tables = (html: string) => [...html.matchAll(/<table>[\s\S]*?<\/table>/g)].map((m) => m[0]);
const rowsOf = (table: string) => [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1] ?? '').join(' '));

function row(metric: ComparedMetric['metric'], extra: Partial<ComparedMetric> = {}): ComparedMetric {
  const baseline = extra.baseline ?? 10;
  const ratio = extra.ratio ?? 1;
  return {
    profile: NAME,
    metric,
    baseline,
    current: baseline * ratio,
    ratio,
    ci: [ratio - 0.02, ratio + 0.02],
    pValue: 0.5,
    verdict: 'no-change',
    mde: 0.02,
    ...extra,
  };
}

const BASELINE = { sha: '4'.repeat(40), branch: 'main', startedAt: '2026-11-20T08:30:12.000Z' };
const GATES = { source: 'default' as const, thresholds: { p50: 0.05, p99: 0.1, throughput: 0.05 } };

/** Two profiles that passed their SLOs, compared with a stored baseline: every row "no change". */
const unchanged = result([profile(NAME), profile('browse')], {
  comparison: {
    method: 'baseline',
    baseline: BASELINE,
    gates: GATES,
    metrics: [row('p50', { threshold: 0.05 }), row('p99', { threshold: 0.1 }), row('throughput', { baseline: 900 })],
    warnings: [],
  },
  suggestions: [
    {
      category: 'config',
      title: `Raise the pool size of ${NAME}`,
      evidence: ['p99 flat'],
      expectedImpact: 'none',
      requiresHumanReview: true,
    },
  ],
});

/** A p50 24.9 % past its 5 % gate, and a p99 of 12 ms against an SLO of 10 ms. */
const failing = result(
  [
    profile(NAME, {
      status: 'fail',
      reasons: ['SLO: p99 12.000 ms (limit ≤ 10.000 ms)'],
      latency: { min: 1, mean: 6, stdev: 2, p50: 12.49, p90: 11, p99: 12, p999: 20, max: 30 },
      slo: {
        pass: false,
        checks: [
          { metric: 'p99', limit: 10, actual: 12, unit: 'ms', pass: false },
          { metric: 'errorRate', limit: 0.05, actual: 0, unit: 'ratio', pass: true, implicit: true },
        ],
      },
    }),
    profile('browse'),
  ],
  {
    status: 'fail',
    reasons: [
      `${NAME}: SLO: p99 12.000 ms (limit ≤ 10.000 ms)`,
      `regression: ${NAME} p50 +24.9% (ratio 1.249, CI 1.229–1.269), p=1.0e-4 is past the 5.0% threshold`,
    ],
    comparison: {
      method: 'baseline',
      baseline: BASELINE,
      gates: GATES,
      metrics: [
        row('throughput', { baseline: 900, threshold: 0.05 }),
        row('p50', { ratio: 1.249, pValue: 1e-4, verdict: 'regression', threshold: 0.05 }),
        row('p99', { threshold: 0.1 }),
        row('errorRate', { baseline: 0, ci: [0, 0], pValue: null, mde: null }),
      ],
      warnings: [],
    },
    bottlenecks: [{ kind: 'cpu', profile: NAME, confidence: 0.9, evidence: ['SUT CPU 98 % of a core for 9 of 10 s'] }],
    suggestions: [
      {
        category: 'code',
        title: `Look at handler() + cache in ${NAME}`,
        evidence: ['41 % of self time'],
        expectedImpact: 'up to 40 % less CPU per request',
        requiresHumanReview: true,
      },
    ],
  },
);

describe('the comment of a passing, unchanged run, rendered', () => {
  const html = render(unchanged);
  const seen = textOf(collapsed(html));

  it('opens with a heading that says it passed', () => {
    expect(headings(html)[0]).toBe('✅ perfgate: pass');
    expect(seen[0]).toBe('✅ perfgate: pass');
  });

  it('shows at most five lines before anything is opened, the numbers in one of them', () => {
    expect(seen.length).toBeLessThanOrEqual(5);
    expect(seen).toContain('2 profiles · 2,000 requests · p50 900 µs · p99 2.50 ms · 20 s at aaaaaaa');
    expect(seen.at(-1)).toBe('Details');
  });

  it('keeps everything else in one collapsed Details section', () => {
    expect(collapsed(html).match(/<summary>/g)).toHaveLength(1);
    const details = html.slice(html.indexOf('<summary>Details</summary>'));
    expect(tables(details).length).toBeGreaterThanOrEqual(2);
    expect(textOf(details).join('\n')).toContain('✅ checkout (v2+) | 10 conns | 1,000');
  });

  it('shows no backslash escapes, in the collapsed summaries either', () => {
    const text = textOf(html).join('\n');
    expect(text).toContain(`🔍 config: Raise the pool size of ${NAME}`);
    expect(text).not.toMatch(/\\[()[\]+|*_#!]/);
  });
});

describe('the comment of a failing run with a regression and an SLO miss, rendered', () => {
  const html = render(failing);
  const [first, second] = tables(html);

  it('opens with a heading that names the regression', () => {
    expect(headings(html)[0]).toBe(`❌ perfgate: fail — 1 regression: p50 +24.9 % on ${NAME}; 1 more reason below`);
  });

  it('shows the comparison first, its failing row first and marked ❌, with units', () => {
    expect(html.indexOf('<table>')).toBeGreaterThan(html.indexOf('</h2>'));
    const rows = rowsOf(first ?? '');
    expect(rows[0]).toMatch(/^\| profile \| metric \| baseline \(median of stored runs\) \| this run \| change \[CI\]/);
    expect(rows[1]).toBe(
      `❌ | ${NAME} | p50 | 10.0 ms | 12.5 ms | +24.9 % [+22.9 % … +26.9 %] | 1.0e-4 | ±2 % | +5 % | regression |`,
    );
    expect(rows.slice(2).every((r) => r.startsWith('✅ | '))).toBe(true);
  });

  it('shows the SLO miss with its limit in the next table, in the same units', () => {
    const rows = rowsOf(second ?? '');
    expect(rows[0]).toMatch(/\| errors \| SLO \|$/);
    expect(rows[1]).toMatch(/^❌ checkout \(v2\+\) \| 10 conns \| 1,000 \| 100 \| 12.5 ms \|/);
    expect(rows[1]).toMatch(/\| ❌ p99 12\.0 ms \(limit ≤ 10\.0 ms\) \|$/);
  });

  it('lists a reason once: in its table row, not again above it', () => {
    expect(html).not.toContain('SLO: p99 12.000 ms');
    expect(html).not.toContain('is past the 5.0% threshold');
  });

  it('keeps the order: verdict, tables, bottlenecks, then the details', () => {
    const at = (text: string) => html.indexOf(text);
    expect(at('<h2>❌ perfgate: fail')).toBe(html.search(/<h\d>/));
    expect(at('<table>')).toBeLessThan(at('>Bottlenecks</h3>'));
    expect(at('>Bottlenecks</h3>')).toBeLessThan(at('>Suggestions'));
    expect(at('>Suggestions')).toBeLessThan(at('>Details</h3>'));
    expect(at('>Details</h3>')).toBeLessThan(at(`>${NAME} (load)</h4>`));
  });

  it('is not collapsed, and shows no backslash escapes', () => {
    expect(collapsed(html)).toContain('<table>');
    const text = textOf(html).join('\n');
    expect(text).toContain(`🔍 code: Look at handler() + cache in ${NAME}`);
    expect(text).not.toMatch(/\\[()[\]+|*_#!]/);
  });
});
