/**
 * The console's progress words (issue 14): elapsed over planned time, the per-second line of a
 * load profile (warmup labelled), the line that says what runs now and next, the A/B trial line
 * with its estimated total, and the quiet logger that drops all of it but warnings and errors.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/read.js';
import { createConsoleLogger } from '../../src/log/console.js';
import { quietLogger } from '../../src/log/logger.js';
import { formatElapsed, formatProgressLine, trialStartLines } from '../../src/log/progress.js';
import { loadProgressLine } from '../../src/profiles/load.js';
import { profileStartLine } from '../../src/profiles/plan.js';

describe('formatElapsed', () => {
  it.each([
    [4_000, 30_000, 't=4s/30s'],
    [0, 5_000, 't=0s/5s'],
    [59_000, 90_000, 't=59s/1m30s'],
    [65_000, 360_000, 't=1m05s/6m00s'],
    [600_000, 600_000, 't=10m00s/10m00s'],
    [1_499, 2_500, 't=1s/3s'],
  ])('reads %d ms of %d ms as %s', (elapsed, total, text) => {
    expect(formatElapsed(elapsed, total)).toBe(text);
  });
});

describe('a progress line', () => {
  it('gives the clock, then what the second measured', () => {
    expect(formatProgressLine('load-test "checkout"', 't=4s/30s', { rps: 1234.4, p99: 12.34, errors: 0 })).toBe(
      'load-test "checkout": t=4s/30s · 1,234 req/s · p99 12.3 ms · 0 errors',
    );
    expect(
      formatProgressLine('stress-test "ramp"', 't=1m05s/6m00s', { rps: 98, p99: 0.4, errors: 1 }, 'step 2/6'),
    ).toBe('stress-test "ramp": t=1m05s/6m00s · step 2/6 · 98 req/s · p99 0.40 ms · 1 error');
  });

  it.each([
    // The engine counts seconds from the measured window: the warmup's are negative.
    [{ t: -5, inWarmup: true }, 'load-test "checkout": warmup t=1s/5s ·'],
    [{ t: -1, inWarmup: true }, 'load-test "checkout": warmup t=5s/5s ·'],
    [{ t: 0, inWarmup: false }, 'load-test "checkout": t=1s/30s ·'],
    [{ t: 29, inWarmup: false }, 'load-test "checkout": t=30s/30s ·'],
  ])('of a load profile at second %o starts "%s"', (second, start) => {
    const line = loadProgressLine(
      { name: 'checkout', duration: 30_000, warmup: 5_000 },
      { ...second, rps: 500, p99: 3, errors: 2 },
    );
    expect(line).toBe(`${start} 500 req/s · p99 3.00 ms · 2 errors`);
  });
});

describe('the line as a profile starts', () => {
  const { config } = parseSettings(
    `version: 1
sut: { url: "http://127.0.0.1:3000" }
profiles:
  - { name: checkout, kind: load, duration: 30s, warmup: 5s, connections: 50 }
  - { name: search, kind: load, duration: 20s, rate: 200 }
  - { name: ramp, kind: stress, rate: { start: 100, step: 100, max: 1000 }, stepDuration: 30s, warmup: 5s }
  - { name: bad, kind: robustness }
`,
    '/project/perfgate.yml',
    {},
  );

  it.each([
    [0, 'profile 1/4 "checkout" (load: 50 connections, 30s + 5s warmup); next: "search" (load, 20s)'],
    // 10 steps of 30 s, 5 s warmup, 30 s recovery: 5m35s at most.
    [1, 'profile 2/4 "search" (load: open model at 200 req/s, 20s); next: "ramp" (stress, up to 5m35s)'],
    [2, 'profile 3/4 "ramp" (stress: 100→1000 req/s, up to 5m35s); next: "bad" (robustness: malformed-request checks)'],
    [3, 'profile 4/4 "bad" (robustness: malformed-request checks)'],
  ])('for profile %d reads %s', (index, line) => {
    expect(profileStartLine(config.profiles, index)).toBe(line);
  });
});

describe('the line as an A/B trial starts', () => {
  const order = ['head', 'base', 'base', 'head'];

  it('before the first trial, estimates the load alone; then adds the boot time learnt so far', () => {
    let now = 1_000_000;
    const line = trialStartLines(order, 6_000, () => now);
    expect(line(1)).toBe('trial 1/4: head, pair 1/2 · next: base · A/B t=0s/~24s');
    // Three trials took 30 s for 18 s of load: 4 s of boot and stop each, so 4 × (6 + 4) s.
    now += 30_000;
    expect(line(4)).toBe('trial 4/4: head, pair 2/2 · last · A/B t=30s/~40s');
  });
});

describe('the quiet logger', () => {
  it('drops info, progress and debug lines, and keeps warnings and errors', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    const logger = quietLogger(createConsoleLogger({ verbose: true, tty: false, intervalMs: 0, stream }));
    logger.info('profile 1/1 "api" (load, 2s)');
    logger.progress('load-test "api": t=1s/2s · 10 req/s · p99 1.00 ms · 0 errors');
    logger.debug('details');
    logger.warn('the generator was busy');
    logger.error('the SUT exited');
    expect(text).toBe('warning: the generator was busy\nerror: the SUT exited\n');
  });
});
