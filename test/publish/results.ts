import { runResultSchema, type ProfileResult, type RunResult } from '../../src/model/result.js';
import { emptyMeasurement } from '../../src/load/empty.js';

export function profile(name: string, extra: Partial<ProfileResult> = {}): ProfileResult {
  return {
    name,
    kind: 'load',
    status: 'pass',
    reasons: [],
    model: 'closed',
    connections: 10,
    ...emptyMeasurement(),
    startedAt: '2026-11-25T00:00:00.000Z',
    durationSec: 10,
    requests: { total: 1000, ok: 1000, dropped: 0 },
    throughput: { rps: 100, bytesPerSec: 1000 },
    latency: { min: 0.2, mean: 1, stdev: 0.3, p50: 0.9, p90: 1.4, p99: 2.5, p999: 3, max: 4 },
    timeline: Array.from({ length: 10 }, (_, t) => ({ t, rps: 100, p50: 0.9, p99: 2.5, errors: 0 })),
    slo: { pass: true, checks: [{ metric: 'p99', limit: 50, actual: 2.5, unit: 'ms', pass: true }] },
    ...extra,
  };
}

export function result(profiles: ProfileResult[], extra: Partial<RunResult> = {}): RunResult {
  const statuses = profiles.map((p) => p.status);
  return runResultSchema.parse({
    schemaVersion: 1,
    tool: { name: 'perfgate', version: '0.1.0' },
    status: statuses.includes('fail') ? 'fail' : 'pass',
    reasons: [],
    startedAt: '2026-11-25T00:00:00.000Z',
    finishedAt: '2026-11-25T00:00:20.000Z',
    durationMs: 20_000,
    git: { sha: 'a'.repeat(40) },
    environment: { cpuModel: 'test cpu', cores: 2, os: 'Linux', node: 'v20', runner: 'test', ci: true },
    sut: { url: 'http://127.0.0.1:3000' },
    profiles,
    ...extra,
  });
}
