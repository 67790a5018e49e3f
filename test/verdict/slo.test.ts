import { describe, expect, it } from 'vitest';
import { DEFAULT_ERROR_CEILING, describeCheck, errorRate, evaluateSlo } from '../../src/verdict/slo.js';
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
