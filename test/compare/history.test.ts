import { describe, expect, it } from 'vitest';
import { regressionFindings } from '../../src/compare/regression-gate.js';
import { compareWithHistory, type StoredRun } from '../../src/compare/history.js';
import { normalFrom, seededRandom } from '../../src/compare/prng.js';
import { detectSteps } from '../../src/compare/trend.js';
import { resultWith } from '../helpers/results.js';

const OPTIONS = { alpha: 0.01, minEffect: 0.02, gates: { p50: 0.05, throughput: 0.05 } };

/** A stored history with between-run noise `cv` around p50 = 4 ms and 1000 req/s. */
function history(n: number, cv: number, seed = 1): StoredRun[] {
  const z = normalFrom(seededRandom(seed));
  return Array.from({ length: n }, (_, i) => ({
    sha: i.toString(16).padStart(40, '0'),
    branch: 'main',
    result: resultWith({ p50: 4 * Math.exp(cv * z()), rps: 1000 * Math.exp(cv * z()) }),
  }));
}
const metric = (c: ReturnType<typeof compareWithHistory>, name: string) => c.metrics.find((m) => m.metric === name)!;

describe('comparison with a stored history', () => {
  it('calls a run within the history\'s noise "no-change" and does not fail it', () => {
    const c = compareWithHistory(resultWith({ p50: 4.04, rps: 995 }), history(20, 0.008), OPTIONS);
    expect(metric(c, 'p50').verdict).toBe('no-change');
    expect(metric(c, 'p50').ratio).toBeCloseTo(1.01, 1);
    expect(regressionFindings(c).failures).toEqual([]);
  });

  it('flags a 20 % slower run as a regression past the gate, with a CI that excludes 1', () => {
    const c = compareWithHistory(resultWith({ p50: 4.8, rps: 830 }), history(20, 0.015), OPTIONS);
    const p50 = metric(c, 'p50');
    expect(p50.verdict).toBe('regression');
    expect(p50.ci[0]).toBeGreaterThan(1.1);
    expect(p50.pValue).toBeLessThan(0.001);
    expect(regressionFindings(c).failures).toHaveLength(2);
    expect(regressionFindings(c).failures[0]).toMatch(/^regression: api p50 \+\d+\.\d% \(ratio 1\.\d{3}, CI/);
  });

  it('raises the threshold to the noise floor of a noisy history, so the same change does not fail', () => {
    const quiet = compareWithHistory(resultWith({ p50: 4.4, rps: 1000 }), history(20, 0.01), OPTIONS);
    const noisy = compareWithHistory(resultWith({ p50: 4.4, rps: 1000 }), history(20, 0.08), OPTIONS);
    expect(metric(quiet, 'p50').threshold).toBe(0.05);
    expect(metric(noisy, 'p50').threshold).toBeGreaterThan(0.15);
    expect(regressionFindings(quiet).failures).toHaveLength(1);
    expect(regressionFindings(noisy).failures).toEqual([]);
    expect(metric(noisy, 'p50').mde).toBeGreaterThan(metric(quiet, 'p50').mde!);
  });

  it('keeps the false-alarm rate of the baseline gate at or below 1 % on simulated runs (fixed seed)', () => {
    const z = normalFrom(seededRandom(77));
    let alarms = 0;
    const runs = 300;
    for (let r = 0; r < runs; r++) {
      const h = history(15, 0.03, 1000 + r);
      if (
        regressionFindings(
          compareWithHistory(
            resultWith({ p50: 4 * Math.exp(0.03 * z()), rps: 1000 * Math.exp(0.03 * z()) }),
            h,
            OPTIONS,
          ),
        ).failures.length
      )
        alarms++;
    }
    expect(alarms / runs).toBeLessThanOrEqual(0.01);
  });

  it('assumes a prior noise and says so when the history is short', () => {
    const c = compareWithHistory(resultWith({ p50: 4.1, rps: 1000 }), history(2, 0.01), OPTIONS);
    expect(c.warnings.join('\n')).toMatch(/api: only 2 stored result\(s\); the noise is assumed/);
    expect(metric(c, 'p50').verdict).not.toBe('regression');
  });

  it("warns when the environment fingerprint differs from the baseline's", () => {
    const h: StoredRun[] = [
      { sha: 'b'.repeat(40), branch: 'main', result: resultWith({ p50: 4, rps: 1000 }, { cpuModel: 'Other CPU' }) },
    ];
    const c = compareWithHistory(resultWith({ p50: 4, rps: 1000 }), h, OPTIONS);
    expect(c.warnings.join('\n')).toMatch(
      /environment differs from the baseline's \(cpuModel "Other CPU" → "Test CPU @ 3\.0GHz"\)/,
    );
    expect(c.baseline).toMatchObject({ sha: 'b'.repeat(40), branch: 'main' });
  });
});

describe('step changes in a nightly history', () => {
  const series = (values: number[]) => values.map((value, i) => ({ sha: `c${i}`.padEnd(40, '0'), value }));

  it('finds a +10 % step and names the first commit after it', () => {
    const z = normalFrom(seededRandom(5));
    const values = Array.from({ length: 30 }, (_, i) => 4 * (i >= 18 ? 1.1 : 1) * Math.exp(0.02 * z()));
    const steps = detectSteps(series(values), { seed: 1 });
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ index: 18, sha: 'c18'.padEnd(40, '0') });
    expect(steps[0]!.change).toBeGreaterThan(0.07);
  });

  it('finds no step in a flat noisy history, nor a significant one below 5 %', () => {
    const z = normalFrom(seededRandom(6));
    expect(detectSteps(series(Array.from({ length: 30 }, () => 4 * Math.exp(0.03 * z()))))).toEqual([]);
    expect(
      detectSteps(series(Array.from({ length: 30 }, (_, i) => 4 * (i >= 15 ? 1.02 : 1) * Math.exp(0.002 * z())))),
    ).toEqual([]);
  });
});

describe('trend notices of a nightly history', () => {
  it('names the profile, metric, size and first commit after a step in the stored results', async () => {
    const { trendNotices } = await import('../../src/baseline/stage.js');
    const z = normalFrom(seededRandom(8));
    const runs = Array.from({ length: 20 }, (_, i) => {
      const sha = `${i.toString(16)}`.padEnd(40, '0');
      return {
        sha,
        result: resultWith(
          { p50: 4 * (i >= 12 ? 1.15 : 1) * Math.exp(0.01 * z()), rps: 1000 * Math.exp(0.01 * z()) },
          { sha },
        ),
      };
    });
    const notices = trendNotices(runs);
    expect(notices.find((n) => n.includes(' p50 '))).toMatch(
      /^trend: api p50 stepped \+1\d\.\d% \([34]\.\d{3} → 4\.\d{3}\) at commit c00000000000, the first commit after the step/,
    );
    expect(notices.some((n) => n.includes('throughput'))).toBe(false);
  });
});
