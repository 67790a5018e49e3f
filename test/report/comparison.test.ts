/**
 * How a comparison opens the reports (issue 14): the headline names the regressions or what
 * could not be seen, the next line names the base, the comparison comes before the last head
 * trial, the gates are stated, and the A/B's medians stand next to its Hodges–Lehmann change.
 */
import { describe, expect, it } from 'vitest';
import { formatComparisonTable } from '../../src/compare/format.js';
import type { ComparedMetric, Comparison } from '../../src/model/compare.js';
import type { RunResult } from '../../src/model/result.js';
import { escapeMarkdown } from '../../src/report/escape.js';
import { buildHtmlReport } from '../../src/report/html.js';
import { buildMarkdownReport } from '../../src/report/markdown.js';
import { formatTimestamp } from '../../src/report/numbers.js';
import { planComment } from '../../src/report/size.js';
import { profile, result } from '../helpers/results.js';

const DEFAULT_GATES = { source: 'default' as const, thresholds: { p50: 0.05, p99: 0.1, throughput: 0.05 } };
const BASE = {
  sha: 'abc1234def5678abc1234def5678abc1234def56',
  ref: 'main',
  how: "merge base of the pull request's base and head",
};

/** One A/B row of `profile`, with 16 pairs; what is not given is a quiet "no change". */
function row(
  profileName: string,
  metric: ComparedMetric['metric'],
  extra: Partial<ComparedMetric> = {},
): ComparedMetric {
  const baseline = extra.baseline ?? 10;
  const ratio = extra.ratio ?? 1;
  return {
    profile: profileName,
    metric,
    baseline,
    current: baseline * ratio,
    ratio,
    ci: [ratio - 0.02, ratio + 0.02],
    pValue: 0.5,
    verdict: 'no-change',
    mde: 0.02,
    trials: Array.from({ length: 16 }, () => ({ base: baseline, head: baseline * ratio })),
    ...extra,
  };
}

/** An A/B run of one profile `name` (its last head trial, 5 s), with `comparison` and the reasons it gives. */
function abResult(name: string, comparison: Partial<Comparison>, extra: Partial<RunResult> = {}): RunResult {
  return result([profile(name, { durationSec: 5, reasons: ['last head trial of the A/B (5s)'] })], {
    git: { sha: 'def5678'.padEnd(40, '0') },
    comparison: { method: 'ab', baseline: BASE, gates: DEFAULT_GATES, metrics: [], warnings: [], ...comparison },
    ...extra,
  });
}

const regressed = abResult(
  'checkout',
  {
    metrics: [
      row('checkout', 'p50', { ratio: 1.249, ci: [1.2, 1.3], pValue: 1e-4, verdict: 'regression', threshold: 0.05 }),
      row('checkout', 'p90', { ratio: 1.1, verdict: 'regression' }),
      row('checkout', 'p99', { baseline: 20, threshold: 0.1 }),
      row('checkout', 'throughput', {
        baseline: 900,
        ratio: 0.824,
        ci: [0.8, 0.85],
        pValue: 2e-4,
        verdict: 'regression',
        threshold: 0.05,
      }),
      row('checkout', 'errorRate', { baseline: 0, ratio: 1, ci: [0, 0], pValue: null, mde: null }),
    ],
  },
  {
    status: 'fail',
    reasons: [
      'regression: checkout p50 +24.9% (ratio 1.249, CI 1.200–1.300), p=1.0e-4 is past the 5.0% threshold',
      'regression: checkout throughput -17.6% (ratio 0.824, CI 0.800–0.850), p=2.0e-4 is past the 5.0% threshold',
    ],
  },
);

const nonEmpty = (md: string) => md.split('\n').filter((l) => l.trim() !== '');
/** markdown-table pads cells to the column's width; the tests read them with single spaces. */
const squash = (md: string) => md.replace(/ {2,}/g, ' ');

describe('an A/B with regressions past the default gates, in report.md', () => {
  const md = buildMarkdownReport(regressed);
  const lines = nonEmpty(md);

  it('names the regressions in the headline', () => {
    expect(lines[0]).toMatch(/^## ❌ perfgate: fail — .*p50 \+24\.9/);
    expect(lines[0]).toBe(
      '## ❌ perfgate: fail — 2 regressions: p50 +24.9 % on checkout, throughput −17.6 % on checkout',
    );
  });

  it('names the base, how it was found and the pairs on the next line', () => {
    expect(lines[1]).toBe(
      "Compared with base `abc1234` (main, merge base of the pull request's base and head) in a same-runner A/B: 16 pairs × 5 s.",
    );
  });

  it('shows the comparison before the side-by-side table and before any detail of the last head trial', () => {
    const comparison = md.indexOf('### Same-runner A/B');
    const sides = md.indexOf('### Base and head (medians of the trials)');
    const detail = md.indexOf('#### checkout (load) — last head trial');
    expect(comparison).toBeGreaterThan(0);
    expect(comparison).toBeLessThan(sides);
    expect(sides).toBeLessThan(detail);
    expect(md).not.toContain('| profile  | load');
    expect(squash(md)).toContain(
      '| ❌ checkout | 10.0 ms → 12.5 ms | 20.0 ms → 20.0 ms | 900 → 742 | 0.00 % → 0.00 % |',
    );
  });

  it('says the gates are perfgate’s defaults and where to set others', () => {
    expect(md).toContain(
      "Gates: perfgate's defaults — p50 +5 %, p99 +10 %, throughput −5 % per profile (no gates.regression in perfgate.yml; set it to choose).",
    );
  });

  it('keeps the headline, the base line and the gated rows in a summary-sized comment', () => {
    // Long notes in the last head trial's section, which the summary leaves out: a limit the
    // compact report misses and the summary fits.
    const notes = Array.from({ length: 10 }, (_, i) => `note ${i} ${'x'.repeat(300)}`);
    const bulky = {
      ...regressed,
      profiles: regressed.profiles.map((p) => ({ ...p, reasons: [...p.reasons, ...notes] })),
    };
    const planned = planComment(bulky, {}, buildMarkdownReport(bulky, { compact: true }).length);
    expect(planned.level).toBe('summary');
    expect(planned.omittedProfiles).toBe(0);
    expect(squash(planned.body)).toContain('| ❌ checkout | 10.0 ms → 12.5 ms |');
    expect(planned.body.split('\n')[0]).toBe(lines[0]);
    expect(planned.body).toContain(lines[1]);
    // The gated regressions first, marked ❌; then the rest, ✅ (the p90 moved, but has no gate).
    const rows = planned.body.split('\n').filter((l) => /^\| \S+ \| checkout \|/.test(l));
    expect(rows.map((r) => r.split(' | ').slice(0, 3))).toEqual([
      ['| ❌', 'checkout', 'p50'],
      ['| ❌', 'checkout', 'throughput'],
      ['| ✅', 'checkout', 'p90'],
      ['| ✅', 'checkout', 'p99'],
    ]);
    expect(planned.body).toContain('1 more row without a gate and without a change is in report.md.');
  });

  it('keeps the headline and the base line in the minimal comment', () => {
    const planned = planComment(regressed, {}, 800);
    expect(planned.level).toBe('minimal');
    expect(planned.body.length).toBeLessThanOrEqual(800);
    expect(planned.body).toContain(lines[0]);
    expect(planned.body).toContain(lines[1]);
  });
});

describe('an inconclusive A/B', () => {
  it('names in the headline what could not be seen, with its gate', () => {
    const r = abResult(
      'checkout',
      { metrics: [row('checkout', 'p99', { ratio: 1.06, ci: [0.98, 1.15], verdict: 'inconclusive', threshold: 0.1 })] },
      { status: 'inconclusive', reasons: ['inconclusive: checkout p99 could not be told from a 10.0% change (…)'] },
    );
    expect(nonEmpty(buildMarkdownReport(r))[0]).toBe(
      '## ⚠️ perfgate: inconclusive — p99 on checkout could not be told from a 10 % change',
    );
  });

  it('lists three unseen gates and counts the rest, on one line', () => {
    const metrics = ['a', 'b', 'c', 'd', 'e'].map((p) =>
      row(p, 'p50', { mde: 0.08, threshold: 0.05, verdict: 'no-change' }),
    );
    const r = abResult('a', { metrics }, { status: 'inconclusive' });
    expect(nonEmpty(buildMarkdownReport(r))[0]).toBe(
      '## ⚠️ perfgate: inconclusive — 5 gated metrics could not be told from a change the size of their gate: p50 on a (5 % gate), p50 on b (5 % gate), p50 on c (5 % gate) … and 2 more',
    );
  });
});

describe('the medians beside the Hodges–Lehmann change', () => {
  const r = abResult('search', {
    metrics: [row('search', 'p50', { baseline: 10.599, current: 10.935, ratio: 0.966, ci: [0.95, 0.982] })],
  });

  it('prints base and head medians, the change with its interval, and why they can disagree', () => {
    const md = buildMarkdownReport(r);
    expect(md).toContain('| base (median of trials) | head (median of trials) | change (HL) [CI] |');
    // Markdown escapes the brackets; GitHub shows them as they are. A row without a gate and
    // without a change is in the details.
    expect(md).toContain('| ✅ | search | p50 | 10.6 ms | 10.9 ms | −3.4 % \\[−5.0 % … −1.8 %\\] |');
    expect(md.indexOf('| ✅ | search | p50 |')).toBeGreaterThan(md.indexOf('### Details'));
    expect(md).toContain(
      'The change is the Hodges–Lehmann estimate of the per-pair changes (each head trial against the base trial it was paired with), so it can differ from the ratio of the two medians',
    );
  });

  it('shows the same columns and sentence on the console and in report.html', () => {
    const table = formatComparisonTable(r.comparison!);
    expect(table.split('\n')[0]).toMatch(/^profile +metric +base \(median of trials\) +head \(median of trials\)/);
    expect(table).toMatch(/search +p50 +10\.6 ms +10\.9 ms +−3\.4 % \[−5\.0 % … −1\.8 %\]/);
    expect(table).toContain('the pairing cancels the drift, the medians do not.');
    const html = buildHtmlReport(r);
    expect(html).toContain('<th>change (HL) [CI]</th>');
    expect(html).toContain('<td>10.6 ms</td><td>10.9 ms</td><td>−3.4 % [−5.0 % … −1.8 %]</td>');
    expect(html).toContain('the pairing cancels the drift, the medians do not.');
  });
});

describe('a stored-baseline comparison', () => {
  const r = result([profile('browse')], {
    comparison: {
      method: 'baseline',
      baseline: { sha: '4444444'.padEnd(40, '4'), branch: 'main', startedAt: '2026-11-20T08:30:12.000Z' },
      gates: { source: 'config', thresholds: { p50: 0.1 } },
      metrics: [{ ...row('browse', 'p50', { threshold: 0.12 }), trials: undefined }],
      warnings: [],
    },
  });
  const md = buildMarkdownReport(r);

  it('names the stored baseline under the headline and keeps the profile table after the comparison', () => {
    expect(nonEmpty(md).slice(0, 2)).toEqual([
      '## ✅ perfgate: pass',
      `Compared with the stored baseline \`4444444\` of main (stored ${escapeMarkdown(formatTimestamp('2026-11-20T08:30:12.000Z'))}): each metric against the median of its stored runs.`,
    ]);
    expect(md.indexOf('### Comparison with the baseline (`4444444`)')).toBeLessThan(md.indexOf('| ✅ browse'));
    expect(md).toContain('#### browse (load)\n');
    expect(md).not.toContain('last head trial');
  });

  it('states the configured gates', () => {
    expect(md).toContain('Gates: p50 +10 % (gates.regression); a row whose stored runs are noisier gets a wider gate');
  });
});

describe('names from outside perfgate in the headline', () => {
  const evil = '<img src=x onerror=alert(1)>|*x*';
  const r = abResult(
    evil,
    { metrics: [row(evil, 'p50', { ratio: 1.3, verdict: 'regression', threshold: 0.05, endpoint: '[a](https://x)' })] },
    { status: 'fail' },
  );

  it('stay escaped in report.md', () => {
    const first = nonEmpty(buildMarkdownReport(r))[0] ?? '';
    expect(first).toContain(
      'p50 +30.0 % on &lt;img src=x onerror=alert\\(1\\)&gt;\\|\\*x\\* › \\[a\\]\\(https:&#47;&#47;x\\)',
    );
    expect(first).not.toContain('<img');
  });

  it('stay escaped in report.html', () => {
    const html = buildHtmlReport(r);
    expect(html).toMatch(
      /<h1 id="verdict" class="fail">❌ perfgate: fail — 1 regression: p50 \+30\.0 % on &lt;img src=x/,
    );
    expect(html).not.toContain('<img src=x');
  });
});
