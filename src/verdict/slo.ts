/**
 * SLO gates: each limit of a profile's `slo` against what was measured, as structured checks
 * ({metric, limit, actual, unit, pass}); words are added only by describeCheck.
 */
import type { Slo } from '../config/sections/request.js';
import type { Latency, ProfileResult, SloCheck } from '../model/result.js';

type Measured = Pick<ProfileResult, 'latency' | 'requests' | 'errors' | 'throughput'>;

const LATENCY_KEYS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const satisfies readonly (keyof Latency &
  keyof Slo)[];

/** Error rate over everything attempted in the measured window (responses + failed attempts). */
export function errorRate(m: Pick<Measured, 'requests' | 'errors'>): number {
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
  for (const key of LATENCY_KEYS) {
    const limit = slo[key];
    if (limit !== undefined)
      checks.push({ metric: key, limit, actual: m.latency[key], unit: 'ms', pass: m.latency[key] <= limit });
  }
  const errorLimit = slo.errorRate ?? defaultErrorCeiling;
  if (errorLimit !== undefined) {
    const actual = errorRate(m);
    checks.push({
      metric: 'errorRate',
      limit: errorLimit,
      actual,
      unit: 'ratio',
      pass: actual <= errorLimit,
      ...(slo.errorRate === undefined ? { implicit: true } : {}),
    });
  }
  if (slo.throughput !== undefined) {
    checks.push({
      metric: 'throughput',
      limit: slo.throughput,
      actual: m.throughput.rps,
      unit: 'rps',
      pass: m.throughput.rps >= slo.throughput,
    });
  }
  return { pass: checks.every((c) => c.pass), checks };
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
  return `${c.metric} ${fmt(c.actual)} (limit ${op} ${fmt(c.limit)}${source})`;
}
