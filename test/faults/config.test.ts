/**
 * Fault suite (issue 15, cases 9 and 13): config values that used to pass validation and then
 * faked a verdict or failed at run time with the wrong exit class. Each must be a ConfigError
 * (exit 2) that names the field, the value and what is expected.
 */
import { describe, expect, it } from 'vitest';
import { configErrorOf } from '../helpers/config.js';
import { parseSettings } from '../../src/config/read.js';
import { ExitCode } from '../../src/errors.js';

const sut = `version: 1
sut:
  url: http://127.0.0.1:3000
`;
const load = (extra: string) => `${sut}profiles:\n  - name: api\n    kind: load\n${extra}`;
const stress = (extra: string) =>
  `${sut}profiles:\n  - name: ramp\n    kind: stress\n    rate: { start: 10, step: 10, max: 50 }\n${extra}`;

const errorOf = (yaml: string) => configErrorOf(yaml);

describe('percentages that are ratios are bounded (case 9)', () => {
  it.each([
    [
      'an SLO error rate of 5 (500 %)',
      load('    slo: { errorRate: 5 }\n'),
      'profiles[0].slo.errorRate: 5 is 500%',
      'from 0% up to 100%',
    ],
    [
      'an SLO error rate of "150%"',
      load('    slo: { errorRate: 150% }\n'),
      'profiles[0].slo.errorRate: "150%" is 150%',
      'from 0% up to 100%',
    ],
    [
      'a stress error limit of 2',
      stress('    errorLimit: 2\n'),
      'profiles[0].errorLimit: 2 is 200%',
      'from 0% up to 100%',
    ],
    [
      'a recovery load of 0',
      stress('    recovery: { load: 0 }\n'),
      'profiles[0].recovery.load: 0 is 0%',
      'above 0% up to 100%',
    ],
    [
      'a recovery load of 1.5',
      stress('    recovery: { load: 1.5 }\n'),
      'profiles[0].recovery.load: 1.5 is 150%',
      'above 0% up to 100%',
    ],
    [
      'a throughput regression gate of 2',
      load('gates:\n  regression: { throughput: 2 }\n'),
      'gates.regression.throughput: 2 is 200%',
      'from 0% up to 100%',
    ],
    [
      'a p99 regression gate of 10',
      load('gates:\n  regression: { p99: 10 }\n'),
      'gates.regression.p99: 10 is 1000%',
      'from 0% up to 100%',
    ],
    [
      'an error-rate regression gate of "300%"',
      load('gates:\n  regression: { errorRate: 300% }\n'),
      'gates.regression.errorRate: "300%" is 300%',
      'from 0% up to 100%',
    ],
    ['an A/B minimum effect of 3', load('ab: { minEffect: 3 }\n'), 'ab.minEffect: 3 is 300%', 'from 0% up to 100%'],
  ])('refuses %s, naming the field, the value and the range', (_, yaml, named, range) => {
    const e = errorOf(yaml);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toContain(named);
    expect(e.message).toContain(`expected a percentage ${range}`);
  });

  it('refuses an error rate of 1 written as a bare number (100 %), and says how to write 1 % or 100 %', () => {
    const e = errorOf(load('    slo: { errorRate: 1 }\n'));
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toContain(
      'profiles[0].slo.errorRate: 1 is 100% (a bare number is a fraction below 1: 0.05 = 5%); write "1%" for 1 percent, or "100%" if 100% is meant',
    );
    expect(errorOf(load('    slo: { errorRate: 5 }\n')).message).toContain(
      'profiles[0].slo.errorRate: 5 is 500% (a bare number is a fraction below 1: 0.05 = 5%); write "5%" for 5 percent; expected a percentage from 0% up to 100%',
    );
    // Past 100 there is nothing to suggest writing with a % sign.
    expect(errorOf(load('    slo: { errorRate: 250 }\n')).message).not.toContain('write');
  });

  it('accepts the ends of each range where they mean something', () => {
    const s = parseSettings(
      stress('    errorLimit: 0%\n    slo: { errorRate: 100% }\n    recovery: { load: 100% }\n') +
        'gates:\n  regression: { p99: 0, errorRate: 0% }\nab: { minEffect: 0 }\n',
      '/project/perfgate.yml',
      {},
    );
    const p = s.config.profiles[0];
    expect(p?.kind === 'stress' && [p.errorLimit, p.slo.errorRate, p.recovery.load]).toEqual([0, 1, 1]);
    expect(s.config.gates.regression).toEqual({ p99: 0, errorRate: 0 });
    expect(s.config.ab.minEffect).toBe(0);
  });
});

describe('durations that must be positive (case 13)', () => {
  it.each([
    ['a load duration', load('    duration: 0\n'), 'profiles[0].duration: 0'],
    ['a load timeout', load('    timeout: 0s\n'), 'profiles[0].timeout: "0s"'],
    ['a stress step duration', stress('    stepDuration: 0ms\n'), 'profiles[0].stepDuration: "0ms"'],
    ['a stress timeout', stress('    timeout: 0\n'), 'profiles[0].timeout: 0'],
    ['a recovery duration', stress('    recovery: { duration: 0s }\n'), 'profiles[0].recovery.duration: "0s"'],
    ['a stress budget', stress('    budget: 0\n'), 'profiles[0].budget: 0'],
    [
      'a robustness deadline',
      `${sut}profiles:\n  - { name: bad, kind: robustness, deadline: 0 }\n`,
      'profiles[0].deadline: 0',
    ],
    [
      'a JMeter timeout',
      `${sut}profiles:\n  - { name: j, kind: jmeter, plan: p.jmx, timeout: 0 }\n`,
      'profiles[0].timeout: 0',
    ],
    ['the readiness timeout', load('').replace('  url:', '  ready: { timeout: 0 }\n  url:'), 'sut.ready.timeout: 0'],
    ['the A/B trial duration', load('ab: { trialDuration: 0s }\n'), 'ab.trialDuration: "0s"'],
    ['the monitor interval', load('monitor: { interval: 0 }\n'), 'monitor.interval: 0'],
    [
      'the Prometheus scrape interval',
      load('monitor:\n  prometheus: { interval: 0s }\n'),
      'monitor.prometheus.interval: "0s"',
    ],
  ])('refuses %s of 0', (_, yaml, named) => {
    const e = errorOf(yaml);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toContain(`${named} is not a positive duration; expected more than 0`);
  });

  it('accepts a warmup of 0 and an immediate SIGKILL at teardown (stopTimeout 0)', () => {
    const s = parseSettings(
      load('    warmup: 0\n').replace('  url:', '  stopTimeout: 0s\n  url:') + 'ab: { warmup: 0s }\n',
      '/project/perfgate.yml',
      {},
    );
    expect(s.config.profiles[0]?.kind === 'load' && s.config.profiles[0].warmup).toBe(0);
    expect(s.config.sut.stopTimeout).toBe(0);
    expect(s.config.ab.warmup).toBe(0);
  });
});

describe('other values that used to fail only at run time (case 13)', () => {
  it('refuses port 0 in sut.url', () => {
    const e = errorOf(load('').replace('127.0.0.1:3000', '127.0.0.1:0'));
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toContain('sut.url: "http://127.0.0.1:0" has port 0; expected the port the SUT listens on');
  });

  it('refuses a YAML alias bomb as invalid perfgate.yml instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const e = errorOf(`${load('')}bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toMatch(/^perfgate\.yml: /);
    expect(e.message).toContain('aliases');
  });
});

describe('counts and rates name the value they refuse', () => {
  const ab = (line: string) =>
    configErrorOf(
      `version: 1\nsut: { url: "http://127.0.0.1:1" }\nprofiles:\n  - { name: p, kind: load }\nab: { ${line} }\n`,
    );

  it('says a count of 0 or a fraction is not one, with the value', () => {
    expect(ab('trialsPerBoot: 0').message).toContain(
      'ab.trialsPerBoot: 0 is not above 0; expected a number of trials per boot greater than 0',
    );
    expect(ab('pairs: 2.5').message).toContain(
      'ab.pairs: 2.5 is not a whole number; expected a number of base/head trial pairs',
    );
  });

  it('says a negative rate is not above 0, with the value', () => {
    expect(
      configErrorOf(
        'version: 1\nsut: { url: "http://127.0.0.1:1" }\nprofiles:\n  - { name: p, kind: load, rate: -5 }\n',
      ).message,
    ).toContain('profiles[0].rate: -5 is not above 0; expected an arrival rate in requests per second greater than 0');
  });
});
