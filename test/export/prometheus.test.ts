/**
 * The Prometheus exposition perfgate pushes, and the Grafana dashboard that reads it; pushed to
 * a real Pushgateway and queried back from Prometheus in prometheus.e2e.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildExposition, METRICS } from '../../src/export/prometheus.js';
import { parseExposition } from '../../src/monitor/prometheus.js';
import { profile, result } from '../helpers/results.js';

const r = result(
  [
    profile('api', {
      latency: { min: 0.2, mean: 1.1, stdev: 0.3, p50: 1.25, p90: 2, p99: 4.5, p999: 6, max: 9 },
      throughput: { rps: 321.5, bytesPerSec: 1 },
    }),
  ],
  { git: { sha: 'abcdef1234567890', branch: 'main' } },
);

describe('the exposition', () => {
  it('parses back to the same numbers, in seconds, with low-cardinality labels', () => {
    const samples = parseExposition(buildExposition(r));
    const get = (series: string) => samples.find((s) => s.series === series)?.value;
    expect(
      get('perfgate_latency_seconds{branch="main",commit="abcdef123456",profile="api",quantile="0.5"}'),
    ).toBeCloseTo(0.00125, 9);
    expect(get('perfgate_throughput_requests_per_second{branch="main",commit="abcdef123456",profile="api"}')).toBe(
      321.5,
    );
    const labelNames = new Set(samples.flatMap((s) => [...s.series.matchAll(/(\w+)="/g)].map((m) => m[1])));
    expect([...labelNames].sort()).toEqual(['branch', 'class', 'commit', 'profile', 'quantile']);
  });

  it('the Grafana dashboard queries only metrics that perfgate exports', async () => {
    const dash = JSON.parse(await readFile('grafana/perfgate-dashboard.json', 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { query: unknown }[] };
    };
    expect(dash.panels.length).toBeGreaterThanOrEqual(5);
    const exprs = [
      ...dash.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dash.templating.list.map((v) => String(v.query)),
    ];
    const named = new Set(exprs.flatMap((e) => [...e.matchAll(/perfgate_[a-z_]+/g)].map((m) => m[0])));
    expect(named.size).toBeGreaterThanOrEqual(6);
    for (const n of named) expect(Object.values(METRICS)).toContain(n);
  });
});
