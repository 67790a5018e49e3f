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

export function evaluateSlo(slo: Slo, m: Measured): { pass: boolean; checks: SloCheck[] } {
  const checks: SloCheck[] = [];
  for (const key of LATENCY_KEYS) {
    const limit = slo[key];
    if (limit !== undefined)
      checks.push({ metric: key, limit, actual: m.latency[key], unit: 'ms', pass: m.latency[key] <= limit });
  }
  if (slo.errorRate !== undefined) {
    const actual = errorRate(m);
    checks.push({ metric: 'errorRate', limit: slo.errorRate, actual, unit: 'ratio', pass: actual <= slo.errorRate });
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
  return `${c.metric} ${fmt(c.actual)} (limit ${op} ${fmt(c.limit)})`;
}
