import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installCommandFor } from '../../src/action/ab.js';
import { failsStep } from '../../src/action/outputs.js';
import { digestComparison } from '../../src/compare/digest.js';
import type { Settings } from '../../src/config/schema.js';
import type { ComparedMetric } from '../../src/model/compare.js';
import { commentWithheld } from '../../src/publish/index.js';
import { profile, result } from '../helpers/results.js';

const row = (extra: Partial<ComparedMetric>): ComparedMetric => ({
  profile: 'checkout',
  metric: 'p50',
  baseline: 10,
  current: 10,
  ratio: 1,
  ci: [0.98, 1.02],
  pValue: 0.5,
  verdict: 'no-change',
  mde: 0.03,
  threshold: 0.05,
  ...extra,
});

describe('fail-on', () => {
  const failedSlo = result([profile('a', { status: 'fail', reasons: ['SLO: p99 9 ms (limit ≤ 5 ms)'] })]);
  const failedRegression = { ...result([profile('a')]), status: 'fail' as const };
  const errored = { ...result([profile('a')]), status: 'error' as const };
  it.each([
    ['any', failedSlo, 0, true],
    ['any', failedRegression, 1, true],
    ['regression', failedSlo, 0, false],
    ['regression', failedRegression, 1, true],
    ['slo', failedSlo, 0, true],
    ['slo', failedRegression, 1, false],
    ['none', failedRegression, 1, false],
    ['regression', errored, 0, true],
    ['none', errored, 0, false],
  ] as const)('%s turns the step red as expected', (failOn, r, regressions, red) => {
    expect(failsStep(r, failOn, regressions)).toBe(red);
  });
  it('never fails an inconclusive run', () => {
    expect(failsStep({ ...result([profile('a')]), status: 'inconclusive' }, 'any', 0)).toBe(false);
  });
});

describe('the comment policy', () => {
  const withRows = (rows: ComparedMetric[], status: 'pass' | 'fail' = 'pass') => ({
    ...result([profile('checkout')]),
    status,
    comparison: { method: 'ab' as const, metrics: rows, warnings: [] },
  });
  it('on-change withholds a new comment when nothing moved, even with an ungated inconclusive p99', () => {
    const r = withRows([row({}), row({ metric: 'p99', verdict: 'inconclusive', threshold: undefined })]);
    expect(commentWithheld(r, 'on-change')).toMatch(/no metric changed/);
    expect(commentWithheld(r, 'always')).toBeUndefined();
    expect(commentWithheld(r, 'on-failure')).toMatch(/on-failure/);
  });
  it('on-change and on-failure post a regression', () => {
    const r = withRows([row({ verdict: 'regression', ratio: 1.2 })], 'fail');
    expect(commentWithheld(r, 'on-change')).toBeUndefined();
    expect(commentWithheld(r, 'on-failure')).toBeUndefined();
  });
  it('on-change posts an improvement', () => {
    expect(commentWithheld(withRows([row({ verdict: 'improvement', ratio: 0.8 })]), 'on-change')).toBeUndefined();
  });
});

describe('the one-line summary', () => {
  it('names the regression with its interval, then what did not change', () => {
    const d = digestComparison({
      status: 'fail',
      reasons: [],
      comparison: {
        method: 'ab',
        warnings: [],
        metrics: [
          row({ verdict: 'regression', ratio: 1.041, ci: [1.022, 1.06], mde: 0.02 }),
          row({ endpoint: 'GET /a', threshold: undefined }),
          row({ endpoint: 'GET /b', threshold: undefined, mde: 0.12 }),
          row({ endpoint: 'GET /c', threshold: undefined, metric: 'p99', verdict: 'inconclusive' }),
        ],
      },
    });
    expect(d.summary).toBe('p50 +4.1% [+2.2, +6.0] on checkout; 3 endpoints unchanged');
    expect(d.mde).toBeCloseTo(0.12);
  });
  it('says nothing was compared without a comparison', () => {
    expect(digestComparison({ status: 'pass', reasons: [] })).toEqual({
      regressions: 0,
      summary: 'pass; nothing compared',
      mde: undefined,
    });
  });
});

describe('the install step of a checkout without sut.build', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-install-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const settings = (sub = '.', build?: string) =>
    ({ dir, config: { sut: { command: 'npm start', cwd: sub, ...(build ? { build } : {}) } } }) as unknown as Settings;

  it('is npm ci with a lockfile and no node_modules, nothing once installed, and never over sut.build', async () => {
    await writeFile(path.join(dir, 'package.json'), '{}');
    expect(await installCommandFor(settings(), dir)).toBe('npm install');
    await writeFile(path.join(dir, 'package-lock.json'), '{}');
    expect(await installCommandFor(settings(), dir)).toBe('npm ci');
    expect(await installCommandFor(settings('.', 'make'), dir)).toBeUndefined();
    await mkdir(path.join(dir, 'node_modules'));
    expect(await installCommandFor(settings(), dir)).toBeUndefined();
  });

  it('runs in the folder of the nearest package.json above the SUT, inside the checkout only', async () => {
    await mkdir(path.join(dir, 'services', 'api'), { recursive: true });
    await writeFile(path.join(dir, 'package.json'), '{}');
    await writeFile(path.join(dir, 'pnpm-lock.yaml'), '');
    expect(await installCommandFor(settings('services/api'), dir)).toBe(
      `cd '${dir}' && pnpm install --frozen-lockfile`,
    );
    expect(await installCommandFor(settings('services/api'), path.join(dir, 'services'))).toBeUndefined();
  });
});
