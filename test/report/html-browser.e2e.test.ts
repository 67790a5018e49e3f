/**
 * report.html in a real browser: Debian's Chromium driven by playwright-core, every network
 * request blocked, the file opened from disk. Every chart must be drawn (a canvas with pixels)
 * with labelled axes and a legend of labels (no "--" placeholders), the page must read in the
 * order of issue 16 (verdict, the comparison and SLO tables, bottlenecks, details) and log no
 * errors, and hostile text must stay text. A full-page screenshot is taken into the test's temp
 * folder (not kept: the folder is removed).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHtmlReport } from '../../src/report/html.js';
import { runCli } from '../helpers/cli.js';
import { profile, result } from '../helpers/results.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browser: Browser;
let dir: string;
beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (.ci/run does) or set CHROMIUM_PATH`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-html-'));
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

const hostile = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>';
const timeline = Array.from({ length: 30 }, (_, t) => ({
  t,
  rps: 900 + 50 * Math.sin(t),
  p50: 1 + 0.1 * Math.cos(t),
  p99: 4 + (t % 7),
  errors: t % 10 === 0 ? 3 : 0,
}));
const rich = result(
  [
    profile(`browse ${hostile}`, {
      warmupSec: 5,
      timeline,
      errors: {
        total: 9,
        byClass: { '4xx': 0, '5xx': 9, timeout: 0, refused: 0, reset: 0, check: 0, other: 0 },
        byStatus: { '500': 9 },
        samples: [hostile],
      },
    }),
    profile('capacity', {
      kind: 'stress',
      warmupSec: 3,
      timeline,
      stress: {
        maxSustainableRps: 400,
        breakingPoint: { step: 4, offered: 500, reason: 'slo', detail: 'p99 over 100 ms' },
        steps: [100, 200, 300, 400, 500].map((offered, i) => ({
          offered,
          achievedRps: Math.min(offered, 420),
          p50: 1 + i,
          p99: 5 + i * i * 10,
          errorRate: 0,
          metSlo: i < 4,
        })),
        recovery: { recovered: true, seconds: 2 },
        exhaustion: [],
      },
      resources: {
        samples: timeline.map((p) => ({
          t: p.t,
          cpuPercent: 50 + p.t,
          rssBytes: 80e6 + p.t * 1e6,
          eventLoopDelayMs: 2 + (p.t % 3),
        })),
        summary: {},
      },
    }),
  ],
  {
    comparison: {
      method: 'ab',
      metrics: [
        {
          profile: 'browse',
          metric: 'p50',
          baseline: 1,
          current: 1.08,
          ratio: 1.08,
          ci: [1.05, 1.11],
          pValue: 0.001,
          verdict: 'regression',
          mde: 0.02,
          trials: Array.from({ length: 16 }, (_, i) => ({ base: 1 + (i % 3) * 0.01, head: 1.08 + (i % 4) * 0.01 })),
        },
        {
          profile: 'browse',
          metric: 'throughput',
          baseline: 900,
          current: 895,
          ratio: 0.994,
          ci: [0.98, 1.01],
          pValue: 0.4,
          verdict: 'no-change',
          mde: 0.015,
          threshold: 0.05,
        },
      ],
      warnings: [],
    },
    trends: [
      {
        profile: 'browse',
        metric: 'p50',
        points: Array.from({ length: 12 }, (_, i) => ({ sha: `${i % 10}`.repeat(40), value: i < 7 ? 1 : 1.2 })),
        steps: [{ sha: '7'.repeat(40), change: 0.2 }],
      },
    ],
    bottlenecks: [{ kind: 'cpu', profile: 'capacity', confidence: 0.8, evidence: ['CPU 98%'] }],
    suggestions: [
      {
        category: 'code',
        title: `look at ${hostile}`,
        evidence: ['hot'],
        expectedImpact: 'less CPU',
        requiresHumanReview: true,
      },
    ],
  },
);

describe('report.html in Chromium', () => {
  it('draws every chart offline with labelled axes and legends, logs no errors, keeps hostile text inert, and screenshots', async () => {
    const file = path.join(dir, 'report.html');
    await writeFile(file, buildHtmlReport(rich));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const blocked: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-charts-done="true"]', { timeout: 10_000 });
    const charts = await page.$$eval('[data-chart]', (els) =>
      els.map((el) => {
        const canvas = el.querySelector('canvas');
        let painted = 0;
        if (canvas) {
          const data =
            canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
          for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
        }
        return {
          kind: el.getAttribute('data-chart'),
          rendered: el.getAttribute('data-rendered'),
          painted,
          axes: (el.getAttribute('data-axes') ?? '').split(' | ').filter(Boolean),
          legend: [...el.querySelectorAll('.u-legend .u-label')].map((l) => l.textContent ?? ''),
        };
      }),
    );
    expect(charts.map((c) => c.kind).sort()).toEqual([
      'ab-trials',
      'comparison',
      'cpu',
      'errors',
      'errors',
      'event-loop',
      'latency',
      'latency',
      'memory',
      'stress',
      'throughput',
      'throughput',
      'trend',
    ]);
    for (const c of charts) {
      expect(c.rendered, c.kind ?? '').toBe('true');
      expect(c.painted, c.kind ?? '').toBeGreaterThan(500);
      // Every axis labelled, and the legend names its series without "--" value placeholders.
      expect(c.axes.length, c.kind ?? '').toBeGreaterThanOrEqual(2);
      for (const label of c.axes) expect(label, c.kind ?? '').toMatch(/\w/);
      expect(c.legend, c.kind ?? '').not.toContain('--');
      expect(c.legend.length, c.kind ?? '').toBeGreaterThan(0);
    }
    const byKind = (kind: string) => charts.filter((c) => c.kind === kind);
    // One quantity per axis: the event-loop delay has its own chart, CPU its own; the warmup is on the time axis.
    expect(byKind('cpu')[0]?.axes).toEqual(['seconds after the warmup (shaded: warmup)', 'CPU (% of one core)']);
    expect(byKind('event-loop')[0]?.axes[1]).toBe('event-loop delay (ms)');
    expect(byKind('latency')[0]?.legend).toContain('SLO p99 ≤ 50.0 ms');
    expect(byKind('comparison')[0]?.legend).toEqual(expect.arrayContaining(['estimate', '95 % CI', 'gate']));
    expect(errors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.textContent('h3#profile-0')).toContain('<img src=x onerror=');
    const shot = path.join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
    await page.close();
  }, 30_000);
});

describe('report.html read from the top', () => {
  it('shows the verdict, then the comparison and the SLO table, then bottlenecks, then the details', async () => {
    const file = path.join(dir, 'order.html');
    await writeFile(file, buildHtmlReport(rich));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    const order = await page.$$eval('#verdict, #comparison, #profiles, #bottlenecks, #details, [data-chart]', (els) =>
      els.map((el) => el.id || `chart:${el.getAttribute('data-chart') ?? ''}`),
    );
    expect(order.slice(0, 5)).toEqual(['verdict', 'comparison', 'profiles', 'bottlenecks', 'details']);
    expect(order.slice(5).every((id) => id.startsWith('chart:'))).toBe(true);
    expect(await page.textContent('#verdict')).toBe('✅ perfgate: pass');
    expect(await page.textContent('#comparison tbody tr:first-child')).toMatch(/^✅browsep50.*\+8\.0 %/);
    expect(await page.textContent('#profiles')).toContain('SLO');
    await page.close();
  });
});

describe('perfgate report', () => {
  it('rebuilds report.md and report.html from a stored result.json without touching it', async () => {
    const stored = path.join(dir, 'stored');
    await mkdir(stored, { recursive: true });
    const json = JSON.stringify(rich);
    await writeFile(path.join(stored, 'result.json'), json);
    const { code } = await runCli(['report', '--result', stored], { cwd: dir });
    expect(code).toBe(0);
    expect(await readFile(path.join(stored, 'result.json'), 'utf8')).toBe(json);
    expect(await readFile(path.join(stored, 'report.md'), 'utf8')).toContain('## ✅ perfgate: pass');
    expect(await readFile(path.join(stored, 'report.html'), 'utf8')).toContain('data-chart="stress"');
    await writeFile(path.join(stored, 'result.json'), '{"schemaVersion": 9}');
    expect((await runCli(['report', '--result', stored], { cwd: dir })).code).toBe(3);
  });
});
