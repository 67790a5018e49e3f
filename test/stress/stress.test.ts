/**
 * Stress profiles end to end through the CLI: real fixture servers booted by perfgate, a real
 * ramp on loopback, the breaking point, recovery, exhaustion findings and the budget.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { Logger } from '../../src/log/logger.js';
import { runResultSchema, type RunResult } from '../../src/model/result.js';
import { freePort, pidsWithMarker } from '../helpers/processes.js';
import { FIXTURES } from '../helpers/servers.js';

let dir: string;
let port: number;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-stress-'));
  port = await freePort();
});
afterEach(async () => {
  expect(await pidsWithMarker(path.basename(dir))).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {}, progress() {} };

async function perfgate(
  server: string,
  env: Record<string, string>,
  profiles: string,
): Promise<{ code: number; result: RunResult; ms: number }> {
  const envYaml = Object.entries({ ...env, PORT: String(port), MARKER: path.basename(dir) })
    .map(([k, v]) => `${k}: "${v}"`)
    .join(', ');
  await writeFile(
    path.join(dir, 'perfgate.yml'),
    `version: 1
sut:
  command: node ${path.join(FIXTURES, server)}
  env: { ${envYaml} }
  url: http://127.0.0.1:${port}
  ready: { path: /health, timeout: 10s }
  stopTimeout: 1s
profiles:
${profiles}`,
  );
  const t0 = Date.now();
  const code = await main(
    ['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out'), '--no-html'],
    { stdout: () => {}, logger: quiet, cwd: dir },
  );
  const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')));
  return { code, result, ms: Date.now() - t0 };
}

// 4 slots × 20 ms: a capacity of 200 req/s.
const ramp = (extra = '') => `  - name: ramp
    kind: stress
    rate: { start: 50, step: 25, max: 300 }
    stepDuration: 1500ms
    warmup: 0s
    timeout: 1s
    requests: [{ path: /work }]
    slo: { p99: 150ms, errorRate: 1% }
    recovery: { duration: 4s, load: 10% }
${extra}`;

describe('stress profile', () => {
  it('finds the maximum sustainable rate of a server with a known capacity within ±15%, and its recovery', async () => {
    const { code, result } = await perfgate('capacity.mjs', { CAPACITY: '4', SERVICE_MS: '20' }, ramp());
    const stress = result.profiles[0]?.stress;
    expect(stress?.maxSustainableRps).toBeGreaterThanOrEqual(170);
    expect(stress?.maxSustainableRps).toBeLessThanOrEqual(230);
    expect(['slo', 'errors', 'knee']).toContain(stress?.breakingPoint.reason);
    expect(stress?.breakingPoint.offered).toBeGreaterThan(200);
    expect(stress?.recovery?.recovered).toBe(true);
    expect(stress?.recovery?.seconds).toBeGreaterThanOrEqual(0);
    expect(stress?.steps.every((s, i, all) => i === 0 || s.offered > (all[i - 1]?.offered ?? 0))).toBe(true);
    expect(result.profiles[0]?.status).toBe('pass');
    expect(code).toBe(0);
    // The capacity is a fixed number of slots served by timers: no resource of the SUT runs out,
    // and the monitor samples it, so each step reads `none` (or perfgate's own client, on a busy
    // machine), with the SUT's CPU as its evidence.
    for (const step of stress?.steps ?? []) {
      expect(['none', 'load-generator'], JSON.stringify(step.limitedBy)).toContain(step.limitedBy?.resource);
      if (step.limitedBy?.resource === 'none') expect(step.limitedBy.evidence).toMatch(/the SUT used \d+% of a core/);
    }
    const report = await readFile(path.join(dir, 'out', 'report.md'), 'utf8');
    expect(report).toMatch(/No measured resource reached its limit in any step|First limit reached: load-generator/);
    expect(report).toContain('| limited by');
  }, 60_000);

  it('names a crash as the breaking point, with the exit code and the output tail, and exits 3', async () => {
    // From 100 to 300 req/s in one step: the queue passes 60 within a second and the server dies.
    const { code, result } = await perfgate(
      'capacity.mjs',
      { CAPACITY: '4', SERVICE_MS: '20', CRASH_QUEUE: '60' },
      ramp().replace('{ start: 50, step: 25, max: 300 }', '{ start: 100, step: 200, max: 900 }'),
    );
    const stress = result.profiles[0]?.stress;
    expect(stress?.breakingPoint.reason).toBe('crash');
    expect(stress?.breakingPoint.detail).toContain('exited with code 9');
    expect(stress?.exhaustion.map((e) => e.detail).join('\n')).toContain('request queue overflow');
    expect(stress?.recovery?.recovered).toBe(false);
    expect(result.sut.exit?.code).toBe(9);
    expect(result.sut.exit?.duringProfile).toBe('ramp');
    expect(result.status).toBe('error');
    expect(code).toBe(3);
  }, 60_000);

  it('reports recovered: false with the reason when the server never comes back after the overload', async () => {
    const { code, result } = await perfgate(
      'capacity.mjs',
      { CAPACITY: '4', SERVICE_MS: '20', LEAK_QUEUE: '40' },
      ramp().replace('{ start: 50, step: 25, max: 300 }', '{ start: 150, step: 100, max: 450 }'),
    );
    const p = result.profiles[0];
    expect(p?.stress?.recovery?.recovered).toBe(false);
    expect(p?.stress?.recovery?.reason).toMatch(/errors|no request was answered/);
    expect(p?.status).toBe('fail');
    expect(p?.reasons.join('\n')).toContain('did not recover');
    expect(code).toBe(1);
  }, 60_000);

  it('stops at its budget and says so', async () => {
    const { result, ms } = await perfgate(
      'capacity.mjs',
      { CAPACITY: '50', SERVICE_MS: '1' },
      `  - { name: tiny, kind: stress, rate: { start: 20, step: 20, max: 2000 }, stepDuration: 1s, warmup: 0s, timeout: 1s, requests: [{ path: /work }], recovery: { duration: 1s }, budget: 5s }\n`,
    );
    const stress = result.profiles[0]?.stress;
    expect(stress?.breakingPoint.reason).toBe('budget');
    expect(stress?.steps.length).toBeGreaterThanOrEqual(1);
    expect(stress?.steps.length).toBeLessThan(5);
    expect(ms).toBeLessThan(8_000);
  }, 30_000);
});

describe('robustness profile', () => {
  it.each([
    ['strict', 'pass', []],
    ['naive', 'fail', ['invalid JSON body', 'oversized body', 'wrong content type']],
  ] as const)(
    'a %s server: %s',
    async (mode, status, failing) => {
      const { result } = await perfgate(
        'validating.mjs',
        { MODE: mode },
        `  - { name: bad, kind: robustness, path: /api/items, deadline: 2s }\n`,
      );
      const p = result.profiles[0];
      const notHandled = p?.robustness?.cases.filter((c) => !c.handled).map((c) => c.name) ?? [];
      expect(notHandled, JSON.stringify(p?.robustness?.cases, null, 1)).toEqual(failing);
      expect(p?.status).toBe(status);
      expect(p?.robustness?.cases.map((c) => c.name)).toEqual([
        'invalid JSON body',
        'oversized body',
        'wrong content type',
        'unknown method',
        'bad header',
        'very long URL',
        'slow incomplete request',
      ]);
      if (mode === 'naive') expect(p?.robustness?.cases[0]).toMatchObject({ outcome: 'server-error', status: 500 });
      expect(p?.robustness?.healthyAfter).toBe(true);
    },
    30_000,
  );
});

describe('the stress example', () => {
  it('finds the shop search capacity well inside its budget, and the shop handles bad requests', async () => {
    const example = await readFile(path.resolve('examples/shop/stress.yml'), 'utf8');
    await writeFile(
      path.join(dir, 'stress.yml'),
      example
        .replace('command: node server.mjs', `command: node ${path.resolve('examples/shop/server.mjs')}`)
        .replace('env: { PORT: "3418" }', `env: { PORT: "${port}", MARKER: "${path.basename(dir)}" }`)
        .replace('url: http://127.0.0.1:3418', `url: http://127.0.0.1:${port}`)
        // The example's 50 ms p99 holds on a quiet machine; with other processes busy on the same
        // 2 cores even the first step can miss it (seen in a fresh-clone run beside other tests),
        // and this test is about finding a capacity, not about this machine's tail latency.
        .replace('slo: { p99: 50ms, errorRate: 1% }', 'slo: { p99: 250ms, errorRate: 1% }'),
    );
    const t0 = Date.now();
    const code = await main(
      ['run', '--config', path.join(dir, 'stress.yml'), '--out', path.join(dir, 'out'), '--no-html'],
      { stdout: () => {}, logger: quiet, cwd: dir },
    );
    const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')));
    const [stress, bad] = result.profiles;
    expect(Date.now() - t0).toBeLessThan(60_000); // the budget is 2 minutes
    expect(stress?.stress?.maxSustainableRps).toBeGreaterThan(0);
    expect(['slo', 'knee', 'errors', 'max']).toContain(stress?.stress?.breakingPoint.reason);
    expect(bad?.robustness?.cases.every((c) => c.handled)).toBe(true);
    expect(code).toBe(0);
  }, 90_000);
});
