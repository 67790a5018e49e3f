/** Small, valid RunResults for baseline and comparison tests. */
import { emptyErrorClasses, RESULT_SCHEMA_VERSION, type RunResult } from '../../src/model/result.js';

export function resultWith(values: { p50: number; rps: number; p99?: number; errors?: number }, extra: { sha?: string; branch?: string; cpuModel?: string } = {}): RunResult {
  const total = Math.round(values.rps * 10);
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: '0.0.0-test' },
    status: 'pass',
    reasons: [],
    startedAt: '2026-11-25T00:00:00.000Z',
    finishedAt: '2026-11-25T00:00:10.000Z',
    durationMs: 10_000,
    git: { sha: extra.sha ?? 'a'.repeat(40), branch: extra.branch ?? 'main' },
    environment: { cpuModel: extra.cpuModel ?? 'Test CPU @ 3.0GHz', cores: 2, os: 'Linux 6.1 x64', node: 'v20.20.2', runner: 'test', ci: false },
    sut: { url: 'http://127.0.0.1:1' },
    profiles: [
      {
        name: 'api',
        kind: 'load',
        status: 'pass',
        reasons: [],
        startedAt: '2026-11-25T00:00:00.000Z',
        durationSec: 10,
        warmupSec: 0,
        requests: { total, ok: total - (values.errors ?? 0), dropped: 0 },
        errors: { total: values.errors ?? 0, byClass: emptyErrorClasses(), byStatus: {}, samples: [] },
        throughput: { rps: values.rps, bytesPerSec: values.rps * 100 },
        latency: { min: values.p50 / 2, mean: values.p50, stdev: 0.1, p50: values.p50, p90: values.p50 * 1.5, p99: values.p99 ?? values.p50 * 2, p999: values.p50 * 3, max: values.p50 * 4 },
        histogram: 'HISTFAAAACB4nJNpmSzMwMDAyMAAAgwQmhGEGIEkA1BUAAAiAAY=',
        timeline: [],
        slo: { pass: true, checks: [] },
      },
    ],
    bottlenecks: [],
    suggestions: [],
    notices: [],
  };
}
