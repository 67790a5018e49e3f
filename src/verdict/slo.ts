/**
 * SLO gates: each limit of a profile's `slo` against what was measured, as structured checks
 * ({metric, limit, actual, unit, pass}); words are added only by describeCheck.
 */
import type { Slo } from '../config/sections/request.js';
import { byPercentile, percentileLabel, percentileName, type PercentileName } from '../model/percentiles.js';
import { endpointName, type EndpointResult, type ProfileResult, type SloCheck, type Status } from '../model/result.js';
import { percentileReader } from './percentile.js';

type Measured = Pick<ProfileResult | EndpointResult, 'latency' | 'histogram' | 'requests' | 'errors' | 'throughput'>;

/** Error rate over everything attempted in the measured window (responses + failed attempts). */
export function errorRate(m: {
  requests: { ok: number; total?: number; dropped?: number };
  errors: { total: number };
}): number {
  const attempts = m.requests.ok + m.errors.total;
  return attempts === 0 ? 0 : m.errors.total / attempts;
}

/**
 * The error-rate ceiling of a load profile whose SLO sets none. Without it a profile where every
 * request failed showed ✅ (issue 15, also seen); 5 % is the stress ramp's default error limit too.
 * Set `slo.errorRate` to choose another (up to "100%", which turns it off).
 */
export const DEFAULT_ERROR_CEILING = 0.05;

/**
 * Checks each limit of `slo`. With `defaultErrorCeiling`, a profile without an errorRate limit is
 * checked against it, marked `implicit` so that the report says where the limit came from.
 */
export function evaluateSlo(
  slo: Slo,
  m: Measured,
  { defaultErrorCeiling }: { defaultErrorCeiling?: number } = {},
): { pass: boolean; checks: SloCheck[] } {
  const checks: SloCheck[] = [];
  const level = slo.level === 'warn' ? { level: 'warn' as const } : {};
  const latencyCheck = (metric: string, limit: number, actual: number | null) =>
    checks.push({ metric, limit, actual, unit: 'ms', pass: actual !== null && actual <= limit, ...level });
  const percentile = percentileReader(m);
  for (const name of percentileNamesOf(slo)) {
    const limit = slo[name];
    if (limit !== undefined) latencyCheck(name, limit, percentile(name));
  }
  if (slo.max !== undefined) latencyCheck('max', slo.max, m.latency.max);
  if (slo.mean !== undefined) latencyCheck('mean', slo.mean, m.latency.mean);
  const errorLimit = slo.errorRate ?? defaultErrorCeiling;
  if (errorLimit !== undefined) {
    const actual = errorRate(m);
    checks.push({
      metric: 'errorRate',
      limit: errorLimit,
      actual,
      unit: 'ratio',
      pass: actual <= errorLimit,
      ...(slo.errorRate === undefined ? { implicit: true } : level),
    });
  }
  if (slo.throughput !== undefined) {
    checks.push({
      metric: 'throughput',
      limit: slo.throughput,
      actual: m.throughput.rps,
      unit: 'rps',
      pass: m.throughput.rps >= slo.throughput,
      ...level,
    });
  }
  return { pass: checks.every((c) => c.pass || c.level === 'warn'), checks };
}

/** The percentile limits of an SLO, lowest percentile first. */
function percentileNamesOf(slo: Slo): PercentileName[] {
  return Object.keys(slo)
    .filter((k): k is PercentileName => percentileName(k) === k)
    .sort(byPercentile);
}

/**
 * The same checks against another measurement of the same profile (shards merged): each actual
 * value read again, each limit and level kept.
 */
export function recheckSlo(checks: readonly SloCheck[], m: Measured): { pass: boolean; checks: SloCheck[] } {
  const percentile = percentileReader(m);
  const rechecked = checks.map((c): SloCheck => {
    const actual = actualOf(c.metric, m, percentile);
    const pass = actual !== null && (c.unit === 'rps' ? actual >= c.limit : actual <= c.limit);
    return { ...c, actual, pass };
  });
  return { pass: rechecked.every((c) => c.pass || c.level === 'warn'), checks: rechecked };
}

function actualOf(metric: string, m: Measured, percentile: ReturnType<typeof percentileReader>): number | null {
  if (metric === 'errorRate') return errorRate(m);
  if (metric === 'throughput') return m.throughput.rps;
  if (metric === 'max' || metric === 'mean') return m.latency[metric];
  const name = percentileName(metric);
  return name === undefined ? null : percentile(name);
}

/**
 * What an SLO's checks make of a profile: `fail` on a missed limit, `inconclusive` on a limit
 * that could not be measured (a percentile of a result without histogram: perfgate cannot tell,
 * and says so rather than pass), `pass` otherwise. Misses of a `level: warn` SLO are warnings
 * and leave the status alone. Reasons and warnings are in words, one per check.
 */
export function judgeSlo(checks: readonly SloCheck[]): { status: Status; reasons: string[]; warnings: string[] } {
  const missed = checks.filter((c) => !c.pass);
  const failing = missed.filter((c) => c.level !== 'warn');
  const status: Status = failing.some((c) => c.actual !== null) ? 'fail' : failing.length > 0 ? 'inconclusive' : 'pass';
  return {
    status,
    reasons: failing.map((c) => `SLO: ${describeCheck(c)}`),
    warnings: missed.filter((c) => c.level === 'warn').map((c) => `SLO (level: warn): ${describeCheck(c)}`),
  };
}

export function describeCheck(c: SloCheck): string {
  const fmt = (v: number) =>
    c.unit === 'ms'
      ? `${v.toFixed(v < 10 ? 3 : 1)} ms`
      : c.unit === 'ratio'
        ? `${(v * 100).toFixed(2)}%`
        : `${v.toFixed(1)} req/s`;
  const op = c.unit === 'rps' ? '≥' : '≤';
  const source = c.implicit ? ", perfgate's default: set slo.errorRate to choose another" : '';
  const metric = c.endpoint === undefined ? percentileLabel(c.metric) : `${c.endpoint}: ${percentileLabel(c.metric)}`;
  if (c.actual === null)
    return `${metric} not measured: the result has neither it nor a latency histogram (limit ${op} ${fmt(c.limit)})`;
  return `${metric} ${fmt(c.actual)} (limit ${op} ${fmt(c.limit)}${source})`;
}

/**
 * The checks of each request's own `slo` against its endpoint's numbers (requests of one name are
 * one endpoint: the first request of the name with an slo gives it). Marked with the endpoint.
 */
export function endpointSloChecks(
  requests: readonly { name?: string | undefined; method: string; path: string; slo?: Slo | undefined }[],
  endpoints: readonly EndpointResult[] | undefined,
): SloCheck[] {
  const checks: SloCheck[] = [];
  const done = new Set<string>();
  for (const r of requests) {
    const name = endpointName(r);
    const endpoint = endpoints?.find((e) => e.name === name);
    if (!r.slo || !endpoint || done.has(name)) continue;
    done.add(name);
    for (const c of evaluateSlo(r.slo, endpoint).checks) checks.push({ ...c, endpoint: name });
  }
  return checks;
}

/** A profile's own error-rate limit (not an endpoint's, not `level: warn`) was missed, the implicit ceiling included. */
export function missedErrorLimit(checks: readonly SloCheck[]): boolean {
  return checks.some((c) => !c.pass && c.level !== 'warn' && c.metric === 'errorRate' && c.endpoint === undefined);
}

/**
 * The status of an SLO verdict measured by a saturated load generator. Its own queueing only makes
 * latency and throughput look worse, so a pass stands, and a latency or throughput failure may be
 * the generator's: inconclusive. Errors the SUT answered (4xx, 5xx, failed checks) are not the
 * generator's: a missed error limit made mostly of them stays a failure (a busy runner once turned
 * 50 % failed checks into inconclusive, exit 0).
 */
export function statusWithSaturatedGenerator(
  status: Status,
  checks: readonly SloCheck[],
  errors: Pick<ProfileResult['errors'], 'byClass' | 'total'>,
): Status {
  if (status !== 'fail') return status;
  const answered = errors.byClass['4xx'] + errors.byClass['5xx'] + errors.byClass.check;
  return missedErrorLimit(checks) && answered >= errors.total / 2 ? 'fail' : 'inconclusive';
}
