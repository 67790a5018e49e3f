/**
 * How a miss of a `level: warn` SLO or gate reads in every report (issue 13): listed with ⚠️ in
 * report.md (and so the job summary and the PR comment), a ⚠️ on its check, a passing JUnit case
 * that says it, a warning line on the console; and the p95 column, also for older results.
 */
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { buildJunitXml } from '../../src/export/junit.js';
import { formatConsoleSummary } from '../../src/report/console.js';
import { buildHtmlReport } from '../../src/report/html.js';
import { buildMarkdownReport } from '../../src/report/markdown.js';
import { formatMs } from '../../src/report/numbers.js';
import { planComment } from '../../src/report/size.js';
import { profile, result } from '../helpers/results.js';

const miss = 'SLO (level: warn): p95 12.000 ms (limit ≤ 1.000 ms)';
const warned = result(
  [
    profile('api', {
      slo: {
        pass: true,
        checks: [{ metric: 'p95', limit: 1, actual: 12, unit: 'ms', pass: false, level: 'warn' }],
      },
      warnings: [miss],
    }),
  ],
  { warnings: [`api: ${miss}`] },
);

describe('a warn-level miss in the reports', () => {
  it('is listed with ⚠️ under a passing verdict in report.md, and its check is marked ⚠️', () => {
    const md = buildMarkdownReport(warned);
    expect(md).toContain('## ✅ perfgate: pass');
    expect(md).toContain(
      '1 profile · 1 warning (level: warn, not failing) · 1,000 requests · p50 900 µs · p99 2.50 ms · 20 s at `aaaaaaa`',
    );
    // Markdown escapes the parentheses of the text it did not write itself.
    const text = md.replaceAll('\\(', '(').replaceAll('\\)', ')');
    expect(text).toContain('- ⚠️ api: SLO (level: warn): p95 12.000 ms (limit ≤ 1.000 ms)');
    expect(text).toContain('SLO (level: warn): ⚠️ p95 12.0 ms (limit ≤ 1.00 ms)');
    expect(md).not.toContain('❌');
  });

  it('stays in the PR comment when it is cut down to its summary', () => {
    const comment = planComment(warned, {}, 1_200, (s) => s.length);
    expect(comment.level).not.toBe('full');
    expect(comment.body).toContain('- ⚠️ api: SLO \\(level: warn\\)');
  });

  it('is a warning line on the console, a warned block in report.html, and a passing JUnit case', () => {
    expect(formatConsoleSummary(warned)).toContain(`warning: api: ${miss}`);
    expect(buildHtmlReport(warned)).toContain('⚠️ api: SLO (level: warn)');
    const xml = buildJunitXml(warned);
    expect(xml).toContain('failures="0"');
    expect(xml).toContain('<system-out>warning (level: warn): p95 12.0 ms (limit ≤ 1.000 ms)</system-out>');
  });
});

describe('the p95 column', () => {
  it('shows the summary field, then the histogram of a result from before p95, then –', () => {
    const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000 });
    for (let ms = 1; ms <= 100; ms++) h.recordValue(ms * 1000);
    const r = result([
      profile('new', { latency: { ...profile('x').latency, p95: 1.8 } }),
      profile('old', { histogram: hdr.encodeIntoCompressedBase64(h) }),
      profile('bare'),
    ]);
    const md = buildMarkdownReport(r);
    expect(md).toMatch(/\| +p50 \| +p90 \| +p95 \| +p99 \|/);
    const row = (name: string) => md.split('\n').find((l) => l.includes(`✅ ${name} `)) ?? '';
    expect(row('new')).toMatch(/\| +1\.80 ms \| +2\.50 ms/);
    expect(row('old')).toContain(` ${formatMs(h.getValueAtPercentile(95) / 1000)} | `);
    expect(row('bare')).toMatch(/\| 1\.40 ms \| +– \| 2\.50 ms/);
    expect(formatConsoleSummary(r)).toMatch(/p90 +p95 +p99/);
  });
});
