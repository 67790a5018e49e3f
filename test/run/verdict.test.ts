import { describe, expect, it } from 'vitest';
import { lastHeadTrial } from '../../src/run/ab.js';
import { rollUpVerdict } from '../../src/run/verdict.js';
import { exitCodeForStatus } from '../../src/verdict/status.js';
import type { ComparedMetric } from '../../src/model/compare.js';
import { profile } from '../helpers/results.js';

const regression: ComparedMetric = {
  profile: 'api',
  metric: 'p50',
  baseline: 1,
  current: 1.2,
  ratio: 1.2,
  ci: [1.15, 1.25],
  pValue: 0.001,
  verdict: 'regression',
  threshold: 0.05,
  mde: 0.02,
};

const unseen: ComparedMetric = {
  ...regression,
  metric: 'p99',
  ratio: 1.03,
  ci: [0.9, 1.18],
  pValue: 0.4,
  verdict: 'inconclusive',
  threshold: 0.1,
  mde: 0.16,
};

describe('a same-runner A/B that could not see its gate', () => {
  it('is inconclusive, never a pass, and says which metric, the MDE and what narrows it', () => {
    const v = rollUpVerdict({
      problems: [],
      profiles: [profile('api')],
      comparison: { method: 'ab', metrics: [unseen], warnings: [] },
    });
    expect(v.status).toBe('inconclusive');
    expect(v.reasons[0]).toMatch(/^inconclusive: api p99 could not be told from a 10\.0% change \(MDE 16\.0%/);
    expect(v.reasons[0]).toMatch(/ab\.pairs/);
  });

  it('is inconclusive when the interval excludes the gate but the printed MDE is above it', () => {
    const wide = { ...unseen, verdict: 'no-change' as const, ci: [0.97, 1.05] as [number, number] };
    const v = rollUpVerdict({
      problems: [],
      profiles: [profile('api')],
      comparison: { method: 'ab', metrics: [wide], warnings: [] },
    });
    expect(v.status).toBe('inconclusive');
  });

  it('passes when the gate was seen, and leaves ungated and warn-level rows alone', () => {
    const seen = { ...unseen, verdict: 'no-change' as const, ci: [0.98, 1.04] as [number, number], mde: 0.04 };
    const ungated = { ...unseen, threshold: undefined };
    const warn = { ...unseen, level: 'warn' as const };
    const v = rollUpVerdict({
      problems: [],
      profiles: [profile('api')],
      comparison: { method: 'ab', metrics: [seen, ungated, warn], warnings: [] },
    });
    expect(v).toEqual({ status: 'pass', reasons: [], warnings: [] });
  });

  it('a regression past its gate still fails beside an unseen one', () => {
    const v = rollUpVerdict({
      problems: [],
      profiles: [profile('api')],
      comparison: { method: 'ab', metrics: [regression, unseen], warnings: [] },
    });
    expect(v.status).toBe('fail');
  });

  it('does not apply to a stored-baseline comparison, whose thresholds are raised to the noise floor instead', () => {
    const v = rollUpVerdict({
      problems: [],
      profiles: [profile('api')],
      comparison: { method: 'baseline', metrics: [unseen], warnings: [] },
    });
    expect(v.status).toBe('pass');
  });
});

describe('the verdict of a run', () => {
  it.each([
    ['every profile passed', [], ['pass'], undefined, 'pass'],
    ['a profile was inconclusive', [], ['pass', 'inconclusive'], undefined, 'inconclusive'],
    ['a profile failed its SLO', [], ['inconclusive', 'fail'], undefined, 'fail'],
    ['the SUT crashed', ['the SUT exited'], ['pass'], undefined, 'error'],
    ['a regression passed its threshold', [], ['pass'], [regression], 'fail'],
    ['a regression and a crash', ['interrupted'], ['pass'], [regression], 'error'],
  ] as const)('is rolled up when %s', (_what, problems, statuses, metrics, expected) => {
    const profiles = statuses.map((s, i) => profile(`p${i}`, { status: s, reasons: s === 'pass' ? [] : [`why ${s}`] }));
    const comparison = metrics ? { method: 'ab' as const, metrics: [...metrics], warnings: [] } : undefined;
    expect(rollUpVerdict({ problems, profiles, comparison }).status).toBe(expected);
  });

  it('keeps the run-level problems first, then each failing profile by name, then the regressions', () => {
    const { reasons } = rollUpVerdict({
      problems: ['the SUT exited during profile a'],
      profiles: [profile('a', { status: 'fail', reasons: ['SLO: p99 9 ms (limit ≤ 5 ms)'] }), profile('b')],
      comparison: { method: 'baseline', metrics: [regression], warnings: [] },
    });
    expect(reasons[0]).toBe('the SUT exited during profile a');
    expect(reasons[1]).toBe('a: SLO: p99 9 ms (limit ≤ 5 ms)');
    expect(reasons[2]).toMatch(/^regression: api p50 \+20\.0%/);
    expect(reasons).toHaveLength(3);
  });

  it('fails, not errors, on a failure settled before the run (a pull request that needs review)', () => {
    const failures = ['needs review: profile api was renamed to api-v2'];
    expect(rollUpVerdict({ problems: [], failures, profiles: [profile('api-v2')] })).toEqual({
      status: 'fail',
      reasons: failures,
      warnings: [],
    });
    const crashed = rollUpVerdict({ problems: ['the SUT exited'], failures, profiles: [profile('api-v2')] });
    expect(crashed.status).toBe('error');
  });
});

describe('gates and SLOs at level: warn', () => {
  const warnSlo = 'SLO (level: warn): p95 9.000 ms (limit ≤ 1.000 ms)';

  it('passes with exit code 0 and lists each miss as a warning, by profile, never as a reason', () => {
    const v = rollUpVerdict({
      problems: [],
      profiles: [profile('api', { warnings: [warnSlo] }), profile('search')],
      comparison: { method: 'baseline', metrics: [{ ...regression, level: 'warn' }], warnings: [] },
    });
    expect(v.status).toBe('pass');
    expect(exitCodeForStatus(v.status)).toBe(0);
    expect(v.reasons).toEqual([]);
    expect(v.warnings).toHaveLength(2);
    expect(v.warnings[0]).toBe(`api: ${warnSlo}`);
    expect(v.warnings[1]).toMatch(/^regression \(level: warn\): api p50 \+20\.0% .* is past the 5\.0% threshold$/);
  });

  it('still fails on a fail-level regression beside a warn-level miss', () => {
    const v = rollUpVerdict({
      problems: [],
      profiles: [profile('api', { warnings: [warnSlo] })],
      comparison: {
        method: 'ab',
        metrics: [regression, { ...regression, metric: 'p95', level: 'warn' }],
        warnings: [],
      },
    });
    expect(v.status).toBe('fail');
    expect(v.reasons).toEqual([expect.stringMatching(/^regression: api p50/)]);
    expect(v.warnings).toEqual([`api: ${warnSlo}`, expect.stringMatching(/^regression \(level: warn\): api p95/)]);
  });
});

describe('the last head trial of an A/B', () => {
  it('keeps a saturated generator inconclusive, with its evidence', () => {
    const p = lastHeadTrial(
      profile('api', {
        status: 'inconclusive',
        reasons: ['SLO: p99 9 ms (limit ≤ 5 ms)', 'load generator saturated: client thread 97% busy'],
      }),
      800,
    );
    expect(p.status).toBe('inconclusive');
    expect(p.reasons).toContain('load generator saturated: client thread 97% busy');
    expect(p.reasons[0]).toMatch(/last head trial of the A\/B \(0\.8s\)/);
  });

  it('does not gate a warn-level SLO miss either: it is a reason marked not gated, not a warning', () => {
    const p = lastHeadTrial(profile('api', { warnings: ['SLO (level: warn): p95 9 ms (limit ≤ 5 ms)'] }), 800);
    expect(p.status).toBe('pass');
    expect(p.warnings).toBeUndefined();
    expect(p.reasons).toContain('SLO (level: warn): p95 9 ms (limit ≤ 5 ms) (not gated)');
  });

  it('gates a missed error-rate limit, the implicit 5 % ceiling included: errors are not noise the pairing cancels', () => {
    const p = lastHeadTrial(
      profile('api', {
        status: 'fail',
        reasons: ["SLO: error rate 100.00% (limit ≤ 5.00%, perfgate's default: set slo.errorRate to choose another)"],
        slo: {
          pass: false,
          checks: [{ metric: 'errorRate', limit: 0.05, actual: 1, unit: 'ratio', pass: false, implicit: true }],
        },
      }),
      800,
    );
    expect(p.status).toBe('fail');
    expect(p.reasons[1]).not.toMatch(/not gated/);
  });

  it('does not gate an SLO miss, and says so', () => {
    const p = lastHeadTrial(profile('api', { status: 'fail', reasons: ['SLO: p99 9 ms (limit ≤ 5 ms)'] }), 800);
    expect(p.status).toBe('pass');
    expect(p.reasons).toContain('SLO: p99 9 ms (limit ≤ 5 ms) (not gated)');
  });
});

describe('a gate the interval is past but too few pairs could call', () => {
  it('says the change is past the gate and that more pairs decide it, not that it could not be told', () => {
    const few: ComparedMetric = {
      ...unseen,
      metric: 'p50',
      ratio: 1.194,
      ci: [1.181, 1.202] as [number, number],
      mde: null,
      threshold: 0.05,
    };
    const v = rollUpVerdict({
      problems: [],
      profiles: [profile('api')],
      comparison: { method: 'ab', metrics: [few], warnings: [] },
    });
    expect(v.status).toBe('inconclusive');
    expect(v.reasons[0]).toBe(
      'inconclusive: api p50 +19.4%, CI 1.181–1.202 is past the 5.0% gate, but too few pairs to call it significant (MDE n/a: too few pairs): more pairs (ab.pairs) decide it',
    );
  });
});
