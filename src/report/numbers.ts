/**
 * The one number format of every report: report.md, the PR comment, report.html, the console and
 * the comparison table. Issue 16 found the side-by-side table printing "10.60ms" while the
 * comparison table under it printed "10.599 ms" for the same median, counts with and without
 * thousands separators, and a footer timestamp without its zone.
 *
 * The style: measured values to 3 significant digits (more digits than the run-to-run noise of a
 * load test would be false precision), every digit of an integer part kept, en-US thousands
 * separators, a space before every unit (SI style, as the headline wrote "+24.9 %" already), a
 * real minus sign on a change, and times as ISO 8601 with their offset from UTC.
 */

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** What a cell shows for a value that was not measured. */
export const NOT_MEASURED = '–';

/** 3 significant digits, every digit of an integer part of three or more: 0.5 → "0.500", 12.34 → "12.3", 1234.5 → "1,235". */
function significant(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const rounded = v.toPrecision(3);
  // toPrecision rounds 99.95 up to "100"; a value of 100 or more shows its whole integer part.
  return Math.abs(Number(rounded)) >= 100 ? GROUPED.format(v) : rounded;
}

/** A latency given in ms: "340 µs", "2.41 ms", "10.6 ms", "180 ms", "2.30 s". */
export function formatMs(ms: number): string {
  if (ms === 0) return '0 ms';
  const rounded = Math.abs(Number(ms.toPrecision(3)));
  if (rounded < 1) return `${significant(ms * 1000)} µs`;
  if (rounded < 1000) return `${significant(ms)} ms`;
  return `${significant(ms / 1000)} s`;
}

/** A latency that a result may not have (a p95 of a result without histogram). */
export function formatOptionalMs(ms: number | null): string {
  return ms === null ? NOT_MEASURED : formatMs(ms);
}

/** A count: "12,345". */
export function formatCount(n: number): string {
  return GROUPED.format(n);
}

/** A rate without its unit, for a column headed "req/s": "1,235", "12.3", "0.500". */
export function formatRate(perSecond: number): string {
  return significant(perSecond);
}

/** A throughput with its unit: "1,235 req/s". */
export function formatThroughput(rps: number): string {
  return `${formatRate(rps)} req/s`;
}

/** A ratio as a percentage: 0.0123 → "1.23 %" (error rates); `digits` 0 for CPU or confidence: "98 %". */
export function formatPercent(ratio: number, digits = 2): string {
  return `${(ratio * 100).toFixed(digits)} %`;
}

/** The sign of a value as shown with `digits` decimals: a real minus, a plus otherwise (also for a change that rounds to 0). */
function signOf(v: number, digits: number): string {
  return Number(v.toFixed(digits)) < 0 ? '−' : '+';
}

/** A relative change: 0.249 → "+24.9 %", −0.176 → "−17.6 %". */
export function signedPercent(change: number, digits = 1): string {
  const pct = change * 100;
  return `${signOf(pct, digits)}${Math.abs(pct).toFixed(digits)} %`;
}

/** A difference of two rates in percentage points: 0.005 → "+0.50 pp". */
export function signedPoints(difference: number): string {
  const pp = difference * 100;
  return `${signOf(pp, 2)}${Math.abs(pp).toFixed(2)} pp`;
}

/** A threshold as configured, without trailing zeros: 0.1 → "10 %", 0.125 → "12.5 %". */
export function plainPercent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(1))} %`;
}

/** A p-value: "0.412", "1.0e-4" below 0.001, "–" when there was no test. */
export function formatPValue(p: number | null): string {
  if (p === null) return NOT_MEASURED;
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A size in bytes, in binary units: "812 B", "1.50 MiB". */
export function formatBytes(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${significant(v)} ${BYTE_UNITS[i]}`;
}

/** A length of time in seconds, as a configured duration reads: "20 s", "1.5 s", "1,200 s". */
export function formatSeconds(seconds: number): string {
  const shown = Math.abs(seconds) >= 100 ? GROUPED.format(seconds) : String(Number(seconds.toPrecision(3)));
  return `${shown} s`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * An instant as ISO 8601 in local time with its offset, to the second: "2026-11-25T01:00:00+01:00",
 * "2026-11-25T00:00:00Z" where the offset is 0 (a runner's clock). `offsetMinutes` east of UTC
 * defaults to this machine's at that instant. A text that is no date is returned as it is.
 */
export function formatTimestamp(iso: string, offsetMinutes?: number): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const offset = offsetMinutes ?? -at.getTimezoneOffset();
  const local = new Date(at.getTime() + offset * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const zone =
    offset === 0
      ? 'Z'
      : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${date}T${time}${zone}`;
}
