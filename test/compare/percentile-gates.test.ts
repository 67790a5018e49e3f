/**
 * Regression gates on any percentile (issue 13): a gated p95 is read exactly from each trial's and
 * each stored result's HDR histogram, joins the compared metrics and Holm's family, and at
 * `level: warn` turns its regression into a warning. Seeded: a server whose slowest 8 % of
 * requests get 30 % slower moves p95 and p99, not p50 or p90.
 */
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { compareWithHistory, type StoredRun } from '../../src/compare/history.js';
import { comparedMetrics, metricValues, type MetricName } from '../../src/compare/metrics.js';
import { comparePaired, type TrialPair } from '../../src/compare/paired.js';
import { normalFrom, seededRandom } from '../../src/compare/prng.js';
import { regressionFindings } from '../../src/compare/regression-gate.js';
import type { RegressionGates } from '../../src/compare/metrics.js';
import type { ProfileResult } from '../../src/model/result.js';
import { resultWith } from '../helpers/results.js';

const TAIL_SHARE = 0.08;

/**
 * One measured window as a profile result: 2000 latencies, 92 % around 4 ms and 8 % around 20 ms
 * × `tail`, the whole trial scaled by 2 % of run-to-run noise; latency fields as the recorder
 * writes them, except p95 (absent, as in results from before it), so p95 comes from the histogram.
 */
function measuredWindow(
  seed: number,
  tail: number,
): Pick<ProfileResult, 'latency' | 'histogram' | 'throughput' | 'requests' | 'errors'> {
  const random = seededRandom(seed);
  const z = normalFrom(random);
  const trial = Math.exp(0.02 * z());
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (let i = 0; i < 2000; i++) {
    const ms = (random() < TAIL_SHARE ? 20 * tail : 4) * Math.exp(0.2 * z()) * trial;
    h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }
  const at = (q: number) => h.getValueAtPercentile(q) / 1000;
  const base = resultWith({ p50: at(50), rps: 1000 }).profiles[0]!;
  return {
    ...base,
    latency: { ...base.latency, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: h.maxValue / 1000 },
    histogram: hdr.encodeIntoCompressedBase64(h),
  };
}

/** A/B pairs as runAbTrials builds them: each trial's compared metrics, read from its own result. */
function trialPairs(pairs: number, headTail: number, metrics: MetricName[], seed = 1): TrialPair[] {
  return Array.from({ length: pairs }, (_, i) => ({
    base: metricValues(measuredWindow(seed * 1000 + 2 * i, 1), metrics),
    head: metricValues(measuredWindow(seed * 1000 + 2 * i + 1, headTail), metrics),
  }));
}

const OPTIONS = { alpha: 0.01, minEffect: 0.02 };

describe('the compared metrics', () => {
  it('are p50, p90, p99, throughput and errorRate, plus every other gated percentile in order', () => {
    expect(comparedMetrics(undefined)).toEqual(['p50', 'p90', 'p99', 'throughput', 'errorRate']);
    expect(comparedMetrics({ p999: 0.2, p50: 0.05, p95: 0.1, throughput: 0.05, level: 'warn' })).toEqual([
      'p50',
      'p90',
      'p95',
      'p99',
      'p999',
      'throughput',
      'errorRate',
    ]);
  });

  it('read a percentile exactly from the histogram a result keeps', () => {
    const p = measuredWindow(7, 1);
    const h = hdr.decodeFromCompressedBase64(p.histogram!);
    expect(metricValues(p, ['p95', 'p97.5'])).toEqual({
      p95: h.getValueAtPercentile(95) / 1000,
      'p97.5': h.getValueAtPercentile(97.5) / 1000,
    });
    // Without a histogram a percentile the summary lacks is left out, never approximated.
    expect(metricValues({ ...p, histogram: undefined }, ['p95', 'p99'])).toEqual({ p99: p.latency.p99 });
  });
});

describe('a gated p95 in a same-runner A/B', () => {
  const gates: RegressionGates = { p95: 0.1 };
  const metrics = comparedMetrics(gates);

  it('fails on a slower tail that p50 and p90 do not see', () => {
    const c = comparePaired({ api: trialPairs(16, 1.3, metrics) }, { ...OPTIONS, gates });
    const row = (name: string) => c.metrics.find((m) => m.metric === name);
    expect(row('p95')).toMatchObject({ verdict: 'regression', threshold: 0.1 });
    expect(row('p95')?.ratio).toBeGreaterThan(1.2);
    expect(row('p95')?.level).toBeUndefined();
    expect(row('p50')?.verdict).not.toBe('regression');
    expect(row('p90')?.verdict).not.toBe('regression');
    const findings = regressionFindings({ method: 'ab', metrics: c.metrics, warnings: [] });
    expect(findings.failures).toEqual([
      expect.stringMatching(/^regression: api p95 \+\d+\.\d% .* past the 10\.0% threshold$/),
    ]);
    expect(findings.warnings).toEqual([]);
  });

  it('only warns at level: warn', () => {
    const warn: RegressionGates = { p95: 0.1, level: 'warn' };
    const c = comparePaired({ api: trialPairs(16, 1.3, metrics) }, { ...OPTIONS, gates: warn });
    expect(c.metrics.find((m) => m.metric === 'p95')).toMatchObject({ verdict: 'regression', level: 'warn' });
    const findings = regressionFindings({ method: 'ab', metrics: c.metrics, warnings: [] });
    expect(findings.failures).toEqual([]);
    expect(findings.warnings).toEqual([expect.stringMatching(/^regression \(level: warn\): api p95 \+/)]);
  });

  it('raises no alarm when nothing changed', () => {
    const c = comparePaired({ api: trialPairs(16, 1, metrics, 3) }, { ...OPTIONS, gates });
    expect(c.metrics.filter((m) => m.verdict === 'regression' || m.verdict === 'improvement')).toEqual([]);
  });

  it("counts the gated percentile in Holm's family", () => {
    // The same trials with and without a p95 gate: p50, p90, p99 (and p95) vary; throughput and
    // the error rate are constant here, so they are not tested (no p-value).
    const run = (pairs: number, g: RegressionGates) =>
      comparePaired({ api: trialPairs(pairs, 1, comparedMetrics(g)) }, { ...OPTIONS, gates: g });
    const p50Mde = (c: ReturnType<typeof run>) => c.metrics.find((m) => m.metric === 'p50')?.mde ?? NaN;
    const gated = run(16, gates);
    const plain = run(16, {});
    expect(gated.metrics).toHaveLength(6);
    expect(plain.metrics).toHaveLength(5);
    // A larger family asks more of each test: the same p50 noise can only show a larger change.
    expect(p50Mde(gated)).toBeGreaterThan(p50Mde(plain));
    expect(run(9, gates).warnings).toContain(
      '9 pairs cannot reach significance at alpha 0.01 across 4 metrics (Holm); use at least 10 pairs',
    );
    expect(run(9, {}).warnings).toContain(
      '9 pairs cannot reach significance at alpha 0.01 across 3 metrics (Holm); use at least 10 pairs',
    );
  });
});

describe('a gated p95 against a stored history', () => {
  const stored = (n: number): StoredRun[] =>
    Array.from({ length: n }, (_, i) => {
      const result = resultWith({ p50: 4, rps: 1000 }, { sha: i.toString(16).padStart(40, '0') });
      result.profiles[0] = { ...result.profiles[0]!, ...measuredWindow(100 + i, 1) };
      return { sha: result.git.sha!, branch: 'main', result };
    });
  const current = (tail: number) => {
    const result = resultWith({ p50: 4, rps: 1000 }, { sha: 'f'.repeat(40) });
    result.profiles[0] = { ...result.profiles[0]!, ...measuredWindow(999, tail) };
    return result;
  };

  it('reads p95 from every histogram and fails on the slower tail', () => {
    const c = compareWithHistory(current(1.4), stored(10), { ...OPTIONS, gates: { p95: 0.1 } });
    expect(c.metrics.map((m) => m.metric)).toEqual(['p50', 'p90', 'p95', 'p99', 'throughput', 'errorRate']);
    expect(c.metrics.find((m) => m.metric === 'p95')).toMatchObject({ verdict: 'regression' });
    expect(regressionFindings(c).failures).toEqual([expect.stringMatching(/^regression: api p95 \+/)]);
    expect(c.warnings).toEqual([]);
  });

  it('leaves out, with a warning, a stored result that has no histogram to read p95 from', () => {
    const history = stored(10);
    delete history[3]!.result.profiles[0]!.histogram;
    const c = compareWithHistory(current(1), history, { ...OPTIONS, gates: { p95: 0.1 } });
    expect(c.warnings).toContain(
      'api p95: 1 of 10 stored results have no latency histogram to read it from and are left out',
    );
    expect(c.metrics.find((m) => m.metric === 'p95')?.verdict).not.toBe('regression');
  });
});
