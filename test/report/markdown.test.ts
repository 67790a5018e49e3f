import { describe, expect, it } from 'vitest';
import { buildMarkdownReport } from '../../src/report/markdown.js';
import { COMMENT_LIMIT, planComment, SUMMARY_LIMIT_BYTES, utf8Bytes } from '../../src/report/size.js';
import { profile, result } from '../helpers/results.js';

const fences = (md: string) => (md.match(/^```/gm) ?? []).length;
/** The markdown GitHub renders as text: code blocks and code spans removed (nothing in them is a mention or a tag). */
const outsideCode = (md: string) => md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '').replace(/`[^`\n]*`/g, '');
const openDetails = (md: string) => (md.match(/<details>/g) ?? []).length - (md.match(/<\/details>/g) ?? []).length;

describe('untrusted text in the report', () => {
  const evil = '@everyone </details> <img src=x onerror=alert(1)> [click](https://evil.example) `code` | cell';
  const r = result(
    [
      profile(evil, {
        status: 'fail',
        reasons: [evil],
        errors: {
          total: 1,
          byClass: { '4xx': 0, '5xx': 1, timeout: 0, refused: 0, reset: 0, check: 0, other: 0 },
          byStatus: { '500': 1 },
          samples: ['HTTP 500 ``` @here </details>'],
        },
      }),
    ],
    {
      reasons: [evil],
      notices: [evil],
      sut: {
        url: 'http://127.0.0.1:1',
        logTail: 'panic: ```\n</details>\n@everyone',
        exit: { code: 1, signal: null, atMs: 10 },
      },
      status: 'error',
    },
  );
  const md = buildMarkdownReport(r);

  it('cannot mention, link, inject HTML or close a section', () => {
    expect(outsideCode(md)).not.toMatch(/@everyone|@here/);
    expect(md).toContain('panic: ```'); // the SUT's output is shown, inside a longer fence
    expect(md).not.toContain('<img');
    expect(md).not.toContain('](https://evil');
    expect(outsideCode(md)).not.toContain('https://evil');
    expect(openDetails(outsideCode(md))).toBe(0);
    expect(fences(md) % 2).toBe(0);
  });

  it('keeps the text readable', () => {
    expect(md).toContain('&#64;everyone &lt;/details&gt; &lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(md).toContain('\\| cell');
  });

  it('keeps a table row on one line and its cells intact', () => {
    const row = md.split('\n').find((l) => l.startsWith('| ❌'));
    expect(row?.split(/(?<!\\)\|/).length).toBe(13);
  });
});

describe('planComment', () => {
  it('turns a 200k-character report into a comment under 65,536 characters with balanced fences and whole tables', () => {
    const many = Array.from({ length: 700 }, (_, i) =>
      profile(`endpoint-${i}-${'x'.repeat(40)}`, {
        status: i % 3 ? 'pass' : 'fail',
        reasons: i % 3 ? [] : [`SLO: p99 ${i} ms (limit ≤ 50 ms)`],
      }),
    );
    const r = result(many, { sut: { url: 'http://127.0.0.1:1', logTail: '```\nlog\n```' }, status: 'error' });
    const full = buildMarkdownReport(r);
    expect(full.length).toBeGreaterThan(200_000);
    const planned = planComment(r);
    expect(planned.body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(planned.level).toBe('summary');
    expect(fences(planned.body) % 2).toBe(0);
    expect(openDetails(planned.body)).toBe(0);
    expect(planned.body).toContain("fit GitHub's size limit");
    // Every table line is a complete row.
    for (const line of planned.body.split('\n').filter((l) => l.startsWith('|'))) expect(line.endsWith('|')).toBe(true);
    expect(planned.omittedProfiles).toBeGreaterThan(0);
    expect(planned.body).toContain(`${planned.omittedProfiles} more profiles are in the full report`);
  });

  it('fits the job summary in 1 MiB counted in bytes, not characters', () => {
    // 3-byte characters: the full report is under a million characters but over 1 MiB of UTF-8.
    const many = Array.from({ length: 800 }, (_, i) => profile(`€${i}-${'€'.repeat(60)}`));
    const r = result(many);
    const full = buildMarkdownReport(r);
    expect(full.length).toBeLessThan(SUMMARY_LIMIT_BYTES);
    expect(utf8Bytes(full)).toBeGreaterThan(SUMMARY_LIMIT_BYTES);
    const planned = planComment(r, { fullReportHint: 'The full report is report.md.' }, SUMMARY_LIMIT_BYTES, utf8Bytes);
    expect(planned.level).not.toBe('full');
    expect(utf8Bytes(planned.body)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(planned.body).toContain('The full report is report.md.');
    for (const line of planned.body.split('\n').filter((l) => l.startsWith('|'))) expect(line.endsWith('|')).toBe(true);
  });

  it('leaves a report that fits as it is', () => {
    const r = result([profile('browse', { status: 'fail' })]);
    expect(planComment(r)).toEqual({ body: buildMarkdownReport(r), level: 'full', omittedProfiles: 0 });
  });

  it('collapses a quiet run that fits, and nothing else', () => {
    const r = result([profile('browse')]);
    expect(planComment(r)).toEqual({
      body: buildMarkdownReport(r, { collapseQuiet: true }),
      level: 'full',
      omittedProfiles: 0,
    });
    expect(planComment(r).body).not.toBe(buildMarkdownReport(r));
  });

  it('builds the comment of a 10-profile run in well under a second', () => {
    const r = result(Array.from({ length: 10 }, (_, i) => profile(`p${i}`)));
    const t0 = performance.now();
    planComment(r);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('mermaid charts', () => {
  it('draws latency and throughput over time, and cannot be broken by a profile name', async () => {
    const { timelineCharts, stressCharts, thin } = await import('../../src/report/mermaid.js');
    const p = profile('evil" ]\n  title "x');
    const charts = timelineCharts(p);
    expect(charts).toHaveLength(2);
    expect(charts[0]).toContain(
      'title "evil title x: latency per second, ms: p50 (lower), p99 (upper), SLO p99 limit 50 (flat line)"',
    );
    for (const c of charts) {
      const lines = c.split('\n');
      expect(lines[0]).toBe('```mermaid');
      expect(lines.at(-1)).toBe('```');
      expect(lines.filter((l) => l.trim().startsWith('title'))).toHaveLength(1);
      expect((lines[2]?.match(/"/g) ?? []).length).toBe(2);
    }
    expect(charts[0]).toContain('line [0.9, 0.9');
    expect(stressCharts(p)).toEqual([]);
    expect(thin(Array.from({ length: 600 }, (_, i) => i))).toHaveLength(60);
    expect(thin(Array.from({ length: 600 }, (_, i) => i)).at(-1)).toBe(599);
  });
});

describe('analysis sections', () => {
  it('shows bottlenecks with evidence and suggestions marked for human review', () => {
    const r = result([profile('browse')], {
      bottlenecks: [
        { kind: 'cpu', profile: 'browse', confidence: 0.9, evidence: ['SUT CPU 98% of a core for 9 of 10 s'] },
      ],
      suggestions: [
        {
          category: 'code',
          title: 'Look at <hot> in server.js:42',
          evidence: ['41% of self time'],
          expectedImpact: 'up to 40% less CPU per request',
          requiresHumanReview: true,
          profile: 'browse',
        },
      ],
    });
    const md = buildMarkdownReport(r);
    expect(md).toContain('- **cpu** in browse (confidence 90 %): SUT CPU 98% of a core for 9 of 10 s');
    expect(md).toContain("need a human's review; perfgate applies nothing");
    expect(md).toContain('code: Look at &lt;hot&gt; in server.js:42');
    expect(openDetails(md)).toBe(0);
  });
});

describe('trend section', () => {
  it('draws the history of a metric and names the step change', () => {
    const r = result([profile('browse')], {
      trends: [
        {
          profile: 'browse',
          metric: 'p50',
          points: Array.from({ length: 10 }, (_, i) => ({ sha: `${i}`.repeat(40), value: i < 6 ? 1 : 1.2 })),
          steps: [{ sha: '6'.repeat(40), change: 0.2 }],
        },
      ],
    });
    const md = buildMarkdownReport(r);
    expect(md).toContain('Trend over the stored history');
    expect(md).toContain('- browse p50 stepped +20.0 % at `666666666666`');
    expect(md).toMatch(/x-axis "commit" \["0000000", "1111111"/);
    expect(openDetails(md)).toBe(0);
  });
});
