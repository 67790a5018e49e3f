/**
 * Results as Prometheus metrics: the text exposition format, written to a file or pushed to a
 * Pushgateway. Names are stable and labels few: `profile`, `quantile`, `class`, plus `branch`
 * and `commit`. The push is grouped by job and branch, so each push replaces the branch's previous
 * one and the commit label never piles up series in the Pushgateway.
 */
import type { RunResult } from '../model/result.js';
import { fetchOutbound } from '../net/fetch.js';

export const METRICS = {
  latency: 'perfgate_latency_seconds',
  latencyMax: 'perfgate_latency_max_seconds',
  throughput: 'perfgate_throughput_requests_per_second',
  requests: 'perfgate_requests_total',
  errors: 'perfgate_errors_total',
  passed: 'perfgate_profile_passed',
  capacity: 'perfgate_stress_max_sustainable_requests_per_second',
  timestamp: 'perfgate_run_timestamp_seconds',
} as const;

const HELP: Record<string, [string, string]> = {
  [METRICS.latency]: ['gauge', 'Latency quantiles of the measured window, seconds.'],
  [METRICS.latencyMax]: ['gauge', 'Highest latency of the measured window, seconds.'],
  [METRICS.throughput]: ['gauge', 'Completed requests per second over the measured window.'],
  [METRICS.requests]: ['gauge', 'Requests completed in the measured window (warmup excluded).'],
  [METRICS.errors]: [
    'gauge',
    'Failed requests in the measured window, by class (4xx, 5xx, timeout, refused, reset, other).',
  ],
  [METRICS.passed]: ['gauge', '1 when the profile passed its gates, else 0.'],
  [METRICS.capacity]: ['gauge', 'Highest load that met the SLO in a stress profile, requests per second.'],
  [METRICS.timestamp]: ['gauge', 'When the run finished, Unix seconds.'],
};

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;

export function buildExposition(result: RunResult): string {
  const base: Record<string, string> = {
    branch: result.git.branch ?? 'unknown',
    commit: (result.git.sha ?? 'unknown').slice(0, 12),
  };
  const lines = new Map<string, string[]>();
  const add = (name: string, l: Record<string, string>, value: number) => {
    if (!Number.isFinite(value)) return;
    lines.set(name, [...(lines.get(name) ?? []), `${name}${labels({ ...base, ...l })} ${value}`]);
  };
  for (const p of result.profiles) {
    const profile = { profile: p.name };
    for (const [q, v] of [
      ['0.5', p.latency.p50],
      ['0.9', p.latency.p90],
      ['0.99', p.latency.p99],
      ['0.999', p.latency.p999],
    ] as const)
      add(METRICS.latency, { ...profile, quantile: q }, v / 1000);
    add(METRICS.latencyMax, profile, p.latency.max / 1000);
    add(METRICS.throughput, profile, p.throughput.rps);
    add(METRICS.requests, profile, p.requests.total);
    for (const [cls, n] of Object.entries(p.errors.byClass)) add(METRICS.errors, { ...profile, class: cls }, n);
    add(METRICS.passed, profile, p.status === 'pass' ? 1 : 0);
    if (p.stress?.maxSustainableRps != null) add(METRICS.capacity, profile, p.stress.maxSustainableRps);
  }
  add(METRICS.timestamp, {}, Date.parse(result.finishedAt) / 1000);
  const out: string[] = [];
  for (const [name, samples] of lines) {
    const [type, help] = HELP[name] ?? ['gauge', name];
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
  }
  return out.join('\n') + '\n';
}

/** PUT to the Pushgateway group job/branch (replaces the group's previous metrics). */
export async function pushToGateway(
  gateway: string,
  job: string,
  result: RunResult,
  allow: readonly string[],
): Promise<void> {
  const url = `${gateway.replace(/\/$/, '')}/metrics/job/${encodeURIComponent(job)}/branch/${encodeURIComponent(result.git.branch ?? 'unknown')}`;
  // The Pushgateway answers a push with an empty body, an error with one line: 64 KiB is ample.
  const res = await fetchOutbound(url, {
    field: 'export.prometheus.pushgateway',
    allow,
    maxBytes: 64 * 1024,
    timeoutMs: 10_000,
    method: 'PUT',
    headers: { 'content-type': 'text/plain; version=0.0.4' },
    body: buildExposition(result),
  });
  if (!res.ok) throw new Error(`the Pushgateway at ${gateway} answered ${res.status}: ${res.text.slice(0, 200)}`);
}
