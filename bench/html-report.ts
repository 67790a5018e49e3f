/**
 * report.html for a 10-profile run (each with a 300-second timeline, resources, one stress
 * profile): file size, build time, and time to first render in headless Chromium (from
 * navigation start to every chart drawn), median of 5 page loads.
 *
 *   npx tsx bench/html-report.ts
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildHtmlReport } from '../src/report/html.js';
import { profile, result } from '../test/publish/results.js';

const timeline = Array.from({ length: 300 }, (_, t) => ({
  t,
  rps: 1000 + (t % 17),
  p50: 1 + (t % 5) / 10,
  p99: 4 + (t % 11),
  errors: t % 60 === 0 ? 1 : 0,
}));
const profiles = Array.from({ length: 10 }, (_, i) =>
  profile(`endpoint-${i}`, {
    timeline,
    resources: {
      samples: Array.from({ length: 3000 }, (_, k) => ({
        t: k / 10,
        cpuPercent: 40 + (k % 30),
        rssBytes: 9e7 + k * 1000,
      })),
      summary: {},
    },
    ...(i === 0
      ? {
          kind: 'stress' as const,
          stress: {
            maxSustainableRps: 4000,
            breakingPoint: { step: 9, offered: 5000, reason: 'slo' as const, detail: 'p99' },
            steps: Array.from({ length: 10 }, (_, k) => ({
              offered: 500 * (k + 1),
              achievedRps: Math.min(4200, 500 * (k + 1)),
              p50: 1,
              p99: 2 + k * k,
              errorRate: 0,
              metSlo: k < 9,
            })),
            recovery: { recovered: true, seconds: 1 },
            exhaustion: [],
          },
        }
      : {}),
  }),
);
const r = result(profiles);
const t0 = performance.now();
const html = buildHtmlReport(r);
const buildMs = performance.now() - t0;
const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-bench-html-'));
const file = path.join(dir, 'report.html');
await writeFile(file, html);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
const loads: number[] = [];
for (let i = 0; i < 5; i++) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-charts-done="true"]');
  loads.push(await page.evaluate(() => performance.now()));
  await page.close();
}
await browser.close();
await rm(dir, { recursive: true, force: true });
loads.sort((a, b) => a - b);
console.log(
  `10 profiles: ${(html.length / 1024).toFixed(0)} KiB (uPlot ~52 KiB of it), built in ${buildMs.toFixed(1)} ms, all ${html.match(/data-chart=/g)?.length} charts drawn ${loads[2]?.toFixed(0)} ms after navigation (median of 5; min ${loads[0]?.toFixed(0)}, max ${loads[4]?.toFixed(0)})`,
);
