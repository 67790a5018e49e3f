import { describe, expect, it } from 'vitest';
import { closest, formatDuration, parseDurationMs, parsePercent } from '../../src/config/units.js';

describe('parseDurationMs', () => {
  it.each([
    ['30s', 30_000],
    ['2m', 120_000],
    ['250ms', 250],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['500us', 0.5],
    ['1h', 3_600_000],
    [' 10 s ', 10_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['10 minutes', '', 's', '10', '5x', '-1s', '1s trailing'])('rejects %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('parsePercent', () => {
  it.each([
    ['1%', 0.01],
    ['0.5%', 0.005],
    ['100%', 1],
  ])('reads %j as the fraction %d', (text, f) => {
    expect(parsePercent(text)).toBeCloseTo(f, 10);
  });
  it('rejects a percentage without the sign', () => {
    expect(parsePercent('5')).toBeUndefined();
  });
});

describe('formatDuration and closest', () => {
  it.each([
    [0.25, '250µs'],
    [2.5, '2.5ms'],
    [1500, '1.5s'],
    [90_000, '1m30s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
  it('suggests the nearest known key and nothing for an unrelated word', () => {
    expect(closest('comand', ['command', 'cwd', 'env', 'url'])).toBe('command');
    expect(closest('durration', ['duration', 'warmup'])).toBe('duration');
    expect(closest('zzzzzz', ['command', 'url'])).toBeUndefined();
  });
});
