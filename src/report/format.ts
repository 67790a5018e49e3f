/**
 * Icons, sparklines and SLO checks in words, shared by the reports (markdown, HTML, console).
 * Numbers are formatted by numbers.ts only, so that a check reads the same in the SLO column,
 * a profile's section and report.html.
 */
import { percentileLabel } from '../model/percentiles.js';
import type { SloCheck } from '../model/result.js';
import { formatMs, formatPercent, formatThroughput } from './numbers.js';

const SPARKS = '▁▂▃▄▅▆▇█';

/** A one-line unicode chart of a series (for markdown, where no images are allowed inline). */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  return values
    .map((v) => SPARKS[Math.min(SPARKS.length - 1, Math.floor(((v - min) / span) * (SPARKS.length - 1) + 0.5))])
    .join('');
}

export const STATUS_ICON = { pass: '✅', fail: '❌', inconclusive: '⚠️', error: '💥' } as const;

/** An SLO check: ✅ met; ❌ missed; ⚠️ missed at `level: warn`, or not measured. */
export function checkIcon(c: Pick<SloCheck, 'pass' | 'actual' | 'level'>): string {
  return c.pass ? '✅' : c.level === 'warn' || c.actual === null ? '⚠️' : '❌';
}

/** A limit's or a measurement's value in the check's unit: "12.0 ms", "5.00 %", "900 req/s". */
function checkValue(c: Pick<SloCheck, 'unit'>, v: number): string {
  return c.unit === 'ms' ? formatMs(v) : c.unit === 'ratio' ? formatPercent(v) : formatThroughput(v);
}

/** What a check limits: "p99", "p99.9", "error rate", "login: p95". */
function checkMetric(c: Pick<SloCheck, 'metric' | 'endpoint'>): string {
  const metric = c.metric === 'errorRate' ? 'error rate' : percentileLabel(c.metric);
  return c.endpoint === undefined ? metric : `${c.endpoint}: ${metric}`;
}

/**
 * A check in words with the report's numbers: "p99 12.0 ms (limit ≤ 10.0 ms)". The verdict's
 * describeCheck words the reasons in result.json; this one is for reading beside a table.
 */
export function sloCheckWords(c: SloCheck): string {
  const op = c.unit === 'rps' ? '≥' : '≤';
  const source = c.implicit ? ", perfgate's default: set slo.errorRate to choose another" : '';
  const limit = `limit ${op} ${checkValue(c, c.limit)}${source}`;
  if (c.actual === null) return `${checkMetric(c)} not measured (${limit})`;
  return `${checkMetric(c)} ${checkValue(c, c.actual)} (${limit})`;
}

/**
 * A profile's SLO for one table cell, in plain words the caller escapes and joins: "✅" when every
 * check was met, else each missed check with its limit ("❌ p99 12.0 ms (limit ≤ 10.0 ms)"), and
 * "–" for a profile without an SLO.
 */
export function sloCell(checks: readonly SloCheck[]): string[] {
  if (checks.length === 0) return ['–'];
  const missed = checks.filter((c) => !c.pass);
  return missed.length === 0 ? ['✅'] : missed.map((c) => `${checkIcon(c)} ${sloCheckWords(c)}`);
}
