/**
 * SLO gates and the roll-up of statuses. A failed gate is a verdict in the result, not an
 * exception: the front door publishes first, then maps the status to an exit code.
 */
import type { Slo } from './config/sections/request.js';
import type { Latency, ProfileResult, RunResult, SloCheck, Status } from './model.js';
import { ExitCode, type ExitCodeValue } from './errors.js';

type Measured = Pick<ProfileResult, 'latency' | 'requests' | 'errors' | 'throughput'>;

const LATENCY_KEYS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const satisfies readonly (keyof Latency & keyof Slo)[];

/** Error rate over everything attempted in the measured window (responses + failed attempts). */
export function errorRate(m: Pick<Measured, 'requests' | 'errors'>): number {
  const attempts = m.requests.ok + m.errors.total;
  return attempts === 0 ? 0 : m.errors.total / attempts;
}

export function evaluateSlo(slo: Slo, m: Measured): { pass: boolean; checks: SloCheck[] } {
  const checks: SloCheck[] = [];
  for (const key of LATENCY_KEYS) {
    const limit = slo[key];
    if (limit !== undefined) checks.push({ metric: key, limit, actual: m.latency[key], unit: 'ms', pass: m.latency[key] <= limit });
  }
  if (slo.errorRate !== undefined) {
    const actual = errorRate(m);
    checks.push({ metric: 'errorRate', limit: slo.errorRate, actual, unit: 'ratio', pass: actual <= slo.errorRate });
  }
  if (slo.throughput !== undefined) {
    checks.push({ metric: 'throughput', limit: slo.throughput, actual: m.throughput.rps, unit: 'rps', pass: m.throughput.rps >= slo.throughput });
  }
  return { pass: checks.every((c) => c.pass), checks };
}

export function describeCheck(c: SloCheck): string {
  const fmt = (v: number) => (c.unit === 'ms' ? `${v.toFixed(v < 10 ? 3 : 1)} ms` : c.unit === 'ratio' ? `${(v * 100).toFixed(2)}%` : `${v.toFixed(1)} req/s`);
  const op = c.unit === 'rps' ? '≥' : '≤';
  return `${c.metric} ${fmt(c.actual)} (limit ${op} ${fmt(c.limit)})`;
}

const SEVERITY: Record<Status, number> = { pass: 0, inconclusive: 1, fail: 2, error: 3 };

/** The worst of several statuses: error > fail > inconclusive > pass. */
export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Status = 'pass';
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
}

/** Exit codes: 0 pass (and inconclusive, which warns), 1 a gate failed, 3 the SUT/environment failed. */
export function exitCodeForStatus(status: RunResult['status']): ExitCodeValue {
  switch (status) {
    case 'pass':
    case 'inconclusive':
      return ExitCode.Pass;
    case 'fail':
      return ExitCode.GateFailed;
    case 'error':
      return ExitCode.Environment;
  }
}
