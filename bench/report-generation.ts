/**
 * How long report generation takes: the markdown report, the planned PR comment and the HTML
 * report for runs of 1, 10 and 700 profiles (the last one far past the comment size limit).
 *
 *   npx tsx bench/report-generation.ts
 */
import { buildHtmlReport } from '../src/report/html.js';
import { buildMarkdownReport } from '../src/report/markdown.js';
import { planComment } from '../src/report/size.js';
import { profile, result } from '../test/publish/results.js';

const time = (fn: () => unknown, rounds = 20) => {
  const t: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(rounds / 2)] ?? NaN;
};

console.log(
  '| profiles | markdown chars | markdown ms | comment level | comment ms | html KiB | html ms |\n|---:|---:|---:|---|---:|---:|---:|',
);
for (const n of [1, 10, 700]) {
  const r = result(
    Array.from({ length: n }, (_, i) =>
      profile(`endpoint-${i}`, {
        timeline: Array.from({ length: 300 }, (_, t) => ({
          t,
          rps: 100 + (t % 7),
          p50: 1 + (t % 3) / 10,
          p99: 3 + (t % 5),
          errors: t % 50 === 0 ? 1 : 0,
        })),
      }),
    ),
  );
  const md = buildMarkdownReport(r);
  const planned = planComment(r);
  const html = buildHtmlReport(r);
  console.log(
    `| ${n} | ${md.length} | ${time(() => buildMarkdownReport(r)).toFixed(2)} | ${planned.level} (${planned.body.length} chars) | ${time(() => planComment(r)).toFixed(2)} | ${(html.length / 1024).toFixed(0)} | ${time(() => buildHtmlReport(r)).toFixed(2)} |`,
  );
}
