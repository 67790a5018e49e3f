import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ERROR_CEILING,
  describeCheck,
  endpointSloChecks,
  errorRate,
  evaluateSlo,
  judgeSlo,
  recheckSlo,
} from '../../src/verdict/slo.js';
import { exitCodeForStatus, worstStatus } from '../../src/verdict/status.js';
import { emptyErrorClasses } from '../../src/model/result.js';

const measured = {
  latency: { min: 0.1, mean: 2, stdev: 1, p50: 1.5, p90: 3, p99: 8, p999: 12, max: 20 },
  requests: { total: 1000, ok: 990, dropped: 0 },
  errors: { total: 10, byClass: { ...emptyErrorClasses(), '5xx': 10 }, byStatus: { '500': 10 }, samples: [] },
  throughput: { rps: 100, bytesPerSec: 1000 },
};

describe('evaluateSlo', () => {
  it('passes when every limit holds and lists each check', () => {
    const r = evaluateSlo({ p99: 10, errorRate: 0.02, throughput: 50 }, measured);
    expect(r.pass).toBe(true);
    expect(r.checks.map((c) => [c.metric, c.actual, c.pass])).toEqual([
      ['p99', 8, true],
      ['errorRate', 0.01, true],
      ['throughput', 100, true],
    ]);
  });

  it.each([
    [{ p50: 1 }, 'p50'],
    [{ max: 19.9 }, 'max'],
    [{ errorRate: 0.005 }, 'errorRate'],
    [{ throughput: 101 }, 'throughput'],
  ])('fails %j on %s', (slo, metric) => {
    const r = evaluateSlo(slo, measured);
    expect(r.pass).toBe(false);
    expect(r.checks.find((c) => !c.pass)?.metric).toBe(metric);
  });

  it('has no checks and passes with an empty SLO', () => {
    expect(evaluateSlo({}, measured)).toEqual({ pass: true, checks: [] });
  });

  it('applies the default error ceiling only where the SLO sets no error rate, and says where it came from', () => {
    const allFailed = {
      ...measured,
      requests: { total: 1000, ok: 0, dropped: 0 },
      errors: { ...measured.errors, total: 1000 },
    };
    const r = evaluateSlo({}, allFailed, { defaultErrorCeiling: DEFAULT_ERROR_CEILING });
    expect(r.pass).toBe(false);
    expect(r.checks).toEqual([
      { metric: 'errorRate', limit: 0.05, actual: 1, unit: 'ratio', pass: false, implicit: true },
    ]);
    expect(describeCheck(r.checks[0]!)).toBe(
      "errorRate 100.00% (limit ≤ 5.00%, perfgate's default: set slo.errorRate to choose another)",
    );
    // The user's own limit wins, whatever it is ("100%" turns the gate off).
    expect(evaluateSlo({ errorRate: 1 }, allFailed, { defaultErrorCeiling: 0.05 }).pass).toBe(true);
    expect(
      evaluateSlo({ errorRate: 0.02 }, measured, { defaultErrorCeiling: 0.001 }).checks[0]?.implicit,
    ).toBeUndefined();
  });

  it('counts failed attempts in the error rate', () => {
    expect(errorRate({ requests: { total: 0, ok: 0, dropped: 0 }, errors: { ...measured.errors, total: 5 } })).toBe(1);
    expect(errorRate({ requests: { total: 0, ok: 0, dropped: 0 }, errors: { ...measured.errors, total: 0 } })).toBe(0);
  });
});

/** 1000 latencies, 1 ms to 1000 ms, as the recorder stores them: µs in an HDR histogram, compressed. */
function histogramOf(ms: (i: number) => number, n = 1000): { histogram: string; at: (q: number) => number } {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (let i = 1; i <= n; i++) h.recordValue(Math.round(ms(i) * 1000));
  return { histogram: hdr.encodeIntoCompressedBase64(h), at: (q) => h.getValueAtPercentile(q) / 1000 };
}

describe('any percentile, from the histogram', () => {
  const { histogram, at } = histogramOf((i) => i);
  const withHistogram = { ...measured, histogram };

  it('checks p95, p97.5 and p99.99 against the histogram the result keeps', () => {
    const r = evaluateSlo({ p95: 960, 'p97.5': 970, 'p99.99': 1001 }, withHistogram);
    expect(r.checks.map((c) => [c.metric, c.actual, c.pass])).toEqual([
      ['p95', at(95), true],
      ['p97.5', at(97.5), false],
      ['p99.99', at(99.99), true],
    ]);
    // The histogram's own values, at its 0.1 % resolution: not interpolated between summary fields.
    expect(at(95)).toBeCloseTo(950, -1);
    expect(at(97.5)).toBeCloseTo(975, -1);
    expect(r.pass).toBe(false);
    expect(describeCheck(r.checks[1]!)).toMatch(/^p97\.5 97\d\.\d ms \(limit ≤ 970\.0 ms\)$/);
  });

  it('reads the summary field where the result has one, and shows p999 as p99.9', () => {
    const r = evaluateSlo({ p99: 7, p999: 12 }, withHistogram);
    expect(r.checks.map((c) => [c.metric, c.actual])).toEqual([
      ['p99', 8],
      ['p999', 12],
    ]);
    expect(describeCheck(r.checks[1]!)).toBe('p99.9 12.0 ms (limit ≤ 12.0 ms)');
  });

  it('says "not measured" and leaves the profile inconclusive when neither field nor histogram has it', () => {
    const r = evaluateSlo({ p95: 100, p99: 10 }, measured);
    expect(r.checks[0]).toEqual({ metric: 'p95', limit: 100, actual: null, unit: 'ms', pass: false });
    expect(r.pass).toBe(false);
    expect(describeCheck(r.checks[0]!)).toBe(
      'p95 not measured: the result has neither it nor a latency histogram (limit ≤ 100.0 ms)',
    );
    expect(judgeSlo(r.checks)).toEqual({
      status: 'inconclusive',
      reasons: [`SLO: ${describeCheck(r.checks[0]!)}`],
      warnings: [],
    });
  });

  it('checks the same limits again on another measurement (merged shards)', () => {
    const first = evaluateSlo({ p95: 500, errorRate: 0.02 }, withHistogram);
    const faster = histogramOf((i) => i / 4);
    const again = recheckSlo(first.checks, { ...measured, histogram: faster.histogram });
    expect(again.checks.map((c) => [c.metric, c.actual, c.pass])).toEqual([
      ['p95', faster.at(95), true],
      ['errorRate', 0.01, true],
    ]);
    expect(again.pass).toBe(true);
  });
});

describe('level: warn', () => {
  it('marks every check of the SLO and leaves a miss out of the pass and the status', () => {
    const r = evaluateSlo({ p99: 1, throughput: 50, level: 'warn' }, measured);
    expect(r.checks.map((c) => [c.metric, c.pass, c.level])).toEqual([
      ['p99', false, 'warn'],
      ['throughput', true, 'warn'],
    ]);
    expect(r.pass).toBe(true);
    expect(judgeSlo(r.checks)).toEqual({
      status: 'pass',
      reasons: [],
      warnings: ['SLO (level: warn): p99 8.000 ms (limit ≤ 1.000 ms)'],
    });
  });

  it("keeps perfgate's default error ceiling a failure under a warn-level SLO", () => {
    const allFailed = {
      ...measured,
      requests: { total: 1000, ok: 0, dropped: 0 },
      errors: { ...measured.errors, total: 1000 },
    };
    const r = evaluateSlo({ p99: 1, level: 'warn' }, allFailed, { defaultErrorCeiling: DEFAULT_ERROR_CEILING });
    const verdict = judgeSlo(r.checks);
    expect(verdict.status).toBe('fail');
    expect(verdict.reasons).toEqual([expect.stringMatching(/^SLO: errorRate 100\.00%/)]);
    expect(verdict.warnings).toEqual([expect.stringMatching(/^SLO \(level: warn\): p99/)]);
  });

  it('fails the profile at level fail, the default', () => {
    expect(judgeSlo(evaluateSlo({ p99: 1, level: 'fail' }, measured).checks).status).toBe('fail');
    expect(judgeSlo(evaluateSlo({ p99: 1 }, measured).checks).status).toBe('fail');
  });
});

describe('statuses and exit codes', () => {
  it('rolls up to the worst status', () => {
    expect(worstStatus([])).toBe('pass');
    expect(worstStatus(['pass', 'inconclusive'])).toBe('inconclusive');
    expect(worstStatus(['inconclusive', 'fail', 'pass'])).toBe('fail');
    expect(worstStatus(['fail', 'error'])).toBe('error');
  });
  it.each([
    ['pass', 0],
    ['inconclusive', 0],
    ['fail', 1],
    ['error', 3],
  ] as const)('maps %s to exit code %d', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });
});

describe('endpointSloChecks', () => {
  const endpoint = (name: string, p95: number) => ({
    name,
    method: 'GET',
    path: `/${name}`,
    requests: { total: 100, ok: 100 },
    errors: { total: 0, byClass: emptyErrorClasses(), byStatus: {}, samples: [] },
    throughput: { rps: 10, bytesPerSec: 0 },
    latency: { ...measured.latency, p95 },
  });
  it("checks each request's own slo on its endpoint's numbers, once per name, marked with the endpoint", () => {
    const requests = [
      { name: 'create', method: 'POST', path: '/a', slo: { p95: 80 } },
      { name: 'create', method: 'POST', path: '/b', slo: { p95: 1 } },
      { method: 'GET', path: '/list' },
    ];
    const checks = endpointSloChecks(requests, [endpoint('create', 120), endpoint('GET /list', 5)]);
    expect(checks).toEqual([{ metric: 'p95', limit: 80, actual: 120, unit: 'ms', pass: false, endpoint: 'create' }]);
    expect(describeCheck(checks[0]!)).toBe('create: p95 120.0 ms (limit ≤ 80.0 ms)');
  });
});
