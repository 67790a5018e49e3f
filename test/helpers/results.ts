/**
 * Small, valid results for tests that start from a RunResult (reports, publishing, baselines,
 * comparisons) instead of measuring one. One place, so that a new required field in the result
 * schema is added here once.
 */
import { RESULT_SCHEMA_VERSION, runResultSchema, type ProfileResult, type RunResult } from '../../src/model/result.js';
import { emptyMeasurement } from '../../src/load/empty.js';

const STARTED_AT = '2026-11-25T00:00:00.000Z';

/** A passing closed-model load profile: 1000 requests over 10 s, p99 2.5 ms, a 10-second timeline. */
export function profile(name: string, extra: Partial<ProfileResult> = {}): ProfileResult {
  return {
    name,
    kind: 'load',
    status: 'pass',
    reasons: [],
    model: 'closed',
    connections: 10,
    ...emptyMeasurement(),
    startedAt: STARTED_AT,
    durationSec: 10,
    requests: { total: 1000, ok: 1000, dropped: 0 },
    throughput: { rps: 100, bytesPerSec: 1000 },
    latency: { min: 0.2, mean: 1, stdev: 0.3, p50: 0.9, p90: 1.4, p99: 2.5, p999: 3, max: 4 },
    timeline: Array.from({ length: 10 }, (_, t) => ({ t, rps: 100, p50: 0.9, p99: 2.5, errors: 0 })),
    slo: { pass: true, checks: [{ metric: 'p99', limit: 50, actual: 2.5, unit: 'ms', pass: true }] },
    ...extra,
  };
}

/** A run of `profiles`, validated by the result schema (which fills the defaults); failed if any profile failed. */
export function result(profiles: ProfileResult[], extra: Partial<RunResult> = {}): RunResult {
  const statuses = profiles.map((p) => p.status);
  return runResultSchema.parse({
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: '0.1.0' },
    status: statuses.includes('fail') ? 'fail' : 'pass',
    reasons: [],
    startedAt: STARTED_AT,
    finishedAt: '2026-11-25T00:00:20.000Z',
    durationMs: 20_000,
    git: { sha: 'a'.repeat(40) },
    environment: { cpuModel: 'test cpu', cores: 2, os: 'Linux', node: 'v20', runner: 'test', ci: true },
    sut: { url: 'http://127.0.0.1:3000' },
    profiles,
    ...extra,
  });
}

/**
 * A one-profile run ("api", 10 s) with the given median latency and throughput, an HDR histogram
 * and a fixed environment fingerprint: what a baseline store keeps and a history comparison reads.
 * Not passed through the schema: the history simulations build thousands of these.
 */
export function resultWith(
  values: { p50: number; rps: number; p99?: number; errors?: number },
  extra: { sha?: string; branch?: string; cpuModel?: string } = {},
): RunResult {
  const total = Math.round(values.rps * 10);
  const errors = values.errors ?? 0;
  const { p50 } = values;
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: '0.0.0-test' },
    status: 'pass',
    reasons: [],
    startedAt: STARTED_AT,
    finishedAt: '2026-11-25T00:00:10.000Z',
    durationMs: 10_000,
    git: { sha: extra.sha ?? 'a'.repeat(40), branch: extra.branch ?? 'main' },
    environment: {
      cpuModel: extra.cpuModel ?? 'Test CPU @ 3.0GHz',
      cores: 2,
      os: 'Linux 6.1 x64',
      node: 'v20.20.2',
      runner: 'test',
      ci: false,
    },
    sut: { url: 'http://127.0.0.1:1' },
    profiles: [
      profile('api', {
        model: undefined,
        connections: undefined,
        requests: { total, ok: total - errors, dropped: 0 },
        errors: { ...emptyMeasurement().errors, total: errors },
        throughput: { rps: values.rps, bytesPerSec: values.rps * 100 },
        latency: {
          min: p50 / 2,
          mean: p50,
          stdev: 0.1,
          p50,
          p90: p50 * 1.5,
          p99: values.p99 ?? p50 * 2,
          p999: p50 * 3,
          max: p50 * 4,
        },
        histogram: 'HISTFAAAACB4nJNpmSzMwMDAyMAAAgwQmhGEGIEkA1BUAAAiAAY=',
        timeline: [],
        slo: { pass: true, checks: [] },
      }),
    ],
    bottlenecks: [],
    suggestions: [],
    notices: [],
    warnings: [],
  };
}
