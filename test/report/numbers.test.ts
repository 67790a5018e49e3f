/**
 * The one number format of the reports (issue 16): latency and sizes to 3 significant digits with
 * a space before the unit, en-US separators, a real minus on changes, ISO 8601 times with their
 * zone. The same median once read "10.60ms" in one table and "10.599 ms" in the next.
 */
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatMs,
  formatOptionalMs,
  formatPercent,
  formatPValue,
  formatRate,
  formatSeconds,
  formatThroughput,
  formatTimestamp,
  plainPercent,
  signedPercent,
  signedPoints,
} from '../../src/report/numbers.js';

describe('latency', () => {
  it.each([
    [0, '0 ms'],
    [0.0004, '0.400 µs'],
    [0.34, '340 µs'],
    [0.9996, '1.00 ms'],
    [2.41, '2.41 ms'],
    [2.5, '2.50 ms'],
    [10.599, '10.6 ms'],
    [99.96, '100 ms'],
    [180, '180 ms'],
    [999.6, '1.00 s'],
    [2300, '2.30 s'],
    [1_234_567, '1,235 s'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });

  it('writes a latency that was not measured as a dash', () => {
    expect(formatOptionalMs(null)).toBe('–');
    expect(formatOptionalMs(1)).toBe('1.00 ms');
  });
});

describe('counts, rates and sizes', () => {
  it.each([
    [formatCount(1234567), '1,234,567'],
    [formatRate(0.5), '0.500'],
    [formatRate(12.34), '12.3'],
    [formatRate(1234.5), '1,235'],
    [formatThroughput(900), '900 req/s'],
    [formatBytes(812), '812 B'],
    [formatBytes(1.5 * 1024 * 1024), '1.50 MiB'],
    [formatBytes(200 * 1024), '200 KiB'],
    [formatSeconds(20), '20 s'],
    [formatSeconds(1.5), '1.5 s'],
    [formatSeconds(1200), '1,200 s'],
  ])('writes %s', (written, text) => {
    expect(written).toBe(text);
  });
});

describe('percentages', () => {
  it.each([
    [formatPercent(0.005), '0.50 %'],
    [formatPercent(0.9, 0), '90 %'],
    [signedPercent(0.249), '+24.9 %'],
    [signedPercent(-0.176), '−17.6 %'],
    [signedPercent(-0.00001), '+0.0 %'],
    [signedPoints(0.005), '+0.50 pp'],
    [signedPoints(-0.0123), '−1.23 pp'],
    [plainPercent(0.1), '10 %'],
    [plainPercent(0.125), '12.5 %'],
    [formatPValue(0.4123), '0.412'],
    [formatPValue(0.0001), '1.0e-4'],
    [formatPValue(null), '–'],
  ])('writes %s', (written, text) => {
    expect(written).toBe(text);
  });
});

describe('timestamps', () => {
  it.each([
    [0, '2026-11-25T00:00:00Z'],
    [60, '2026-11-25T01:00:00+01:00'],
    [-330, '2026-11-24T18:30:00-05:30'],
    [345, '2026-11-25T05:45:00+05:45'],
  ])('writes an instant at an offset of %d minutes as %s', (offset, text) => {
    expect(formatTimestamp('2026-11-25T00:00:00.400Z', offset)).toBe(text);
  });

  it("uses this machine's offset by default, and keeps a text that is no date", () => {
    const at = '2026-11-25T12:00:00.000Z';
    expect(formatTimestamp(at)).toBe(formatTimestamp(at, -new Date(at).getTimezoneOffset()));
    expect(formatTimestamp('not a date')).toBe('not a date');
  });
});
