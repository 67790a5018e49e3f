/**
 * Fault suite, the load engine (issue 15): a huge response body (case 6), responses that trickle
 * forever in the open model (case 7), and settings past what the machine can do (case 10). Each
 * failed before its fix: a RangeError crash with no result; 30 of 60 requests recorded with 0
 * errors; a scheduler that spun deaf to SIGTERM, and EMFILE at run time instead of a config error.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestSchema } from '../../src/config/sections/request.js';
import { runOpenModel } from '../../src/load/open.js';
import { readResult, runConfig, startCli, spawnCli, writeConfig } from '../helpers/cli.js';
import { fixtureAndTempDir } from '../helpers/servers.js';

const { server, dir } = fixtureAndTempDir('behaviours.mjs', 'perfgate-engine-faults-');

const config = (profile: string) => `version: 1
sut: { url: "${server().url}", ready: { path: /health } }
monitor: { enabled: false }
profiles:
  - ${profile}
`;

describe('a response body larger than a string can hold (case 6)', () => {
  it('is counted, not kept: the run ends normally with its result', async () => {
    // 600 MiB: past V8's string limit (~512 MiB), where autocannon's body string threw.
    const file = await writeConfig(
      dir(),
      config(
        '{ name: big, kind: load, duration: 1s, connections: 1, timeout: 30s, requests: [{ path: "/big?mb=600" }] }',
      ),
    );
    const run = await spawnCli(['run', '--config', file, '--out', 'out'], { cwd: dir(), timeoutMs: 60_000 });

    expect(run.stderr).not.toContain('RangeError');
    expect(run.stderr.length).toBeLessThan(10_000);
    expect(run.code).toBe(0);
    const result = await readResult(path.join(dir(), 'out'));
    const profile = result.profiles[0];
    expect(profile?.errors.total).toBe(0);
    expect(profile?.requests.ok).toBeGreaterThanOrEqual(1);
    expect((profile?.throughput.bytesPerSec ?? 0) * (profile?.durationSec ?? 0)).toBeGreaterThanOrEqual(600 * 2 ** 20);
  }, 90_000);
});

describe('responses that trickle and never finish, open model (case 7)', () => {
  it('counts every arrival: requests past their timeout are timeouts, also when the run drains', async () => {
    const m = await runOpenModel(
      {
        baseUrl: server().url,
        model: { kind: 'open', rate: 30, maxInFlight: 200, maxConnections: 200 },
        requests: [requestSchema.parse({ path: '/trickle?every=200' })],
        durationMs: 2000,
        warmupMs: 0,
        timeoutMs: 1000,
      },
      { kind: 'open', rate: 30, maxInFlight: 200, maxConnections: 200 },
    );
    expect(m.requests.total).toBe(60);
    expect(m.errors.byClass.timeout).toBe(60);
    expect(m.requests.ok).toBe(0);
  }, 20_000);

  it('fails the gate the way the closed model does', async () => {
    const run = await runConfig(
      dir(),
      config(
        '{ name: trickle, kind: load, duration: 2s, rate: 20, timeout: 1s, requests: [{ path: "/trickle?every=300" }], slo: { errorRate: 1% } }',
      ),
    );
    expect(run.code).toBe(1);
    expect(run.result?.profiles[0]?.errors.byClass.timeout).toBe(40);
  }, 30_000);
});

describe('settings past what the machine can do (case 10)', () => {
  it.each([
    ['connections: 10000000', 'profiles[0] (huge).connections: 10000000 connections need 10000000 open sockets'],
    ['rate: 10000, maxConnections: 10000000', 'profiles[0] (huge).maxConnections: 10000000 connections need'],
  ])('refuses %s before the SUT starts, naming the field and the limit (exit 2)', async (setting, message) => {
    const run = await runConfig(dir(), config(`{ name: huge, kind: load, duration: 2s, ${setting} }`));
    expect(run.code).toBe(2);
    expect(run.errors).toContain(message);
    expect(run.errors).toMatch(/ulimit -n/);
    expect(run.result).toBeUndefined();
  });

  it('refuses an arrival rate no generator can send, naming the field (exit 2)', async () => {
    const run = await runConfig(dir(), config('{ name: huge, kind: load, duration: 2s, rate: 1e12 }'));
    expect(run.code).toBe(2);
    expect(run.errors).toMatch(/profiles\[0\]\.rate.*at most 1000000 requests per second/);
  });

  it('keeps the scheduler yielding at any rate: an abort ends it promptly', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const t0 = performance.now();
    const m = await runOpenModel(
      {
        baseUrl: server().url,
        model: { kind: 'open', rate: 1e12, maxInFlight: 50, maxConnections: 50 },
        requests: [requestSchema.parse({ path: '/fast' })],
        durationMs: 30_000,
        warmupMs: 0,
        timeoutMs: 1000,
        signal: controller.signal,
      },
      { kind: 'open', rate: 1e12, maxInFlight: 50, maxConnections: 50 },
    );
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(m.requests.dropped).toBeGreaterThan(0);
  }, 20_000);

  it('handles SIGTERM during an overloaded open-model run: exits 143 in seconds', async () => {
    const file = await writeConfig(
      dir(),
      config('{ name: flood, kind: load, duration: 60s, rate: 900000, maxInFlight: 200, requests: [{ path: /fast }] }'),
    );
    const child = startCli(['run', '--config', file, '--out', 'out'], { cwd: dir() });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', () => {
        if (stderr.includes('flood')) resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const sentAt = performance.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(code).toBe(143);
    expect(performance.now() - sentAt).toBeLessThan(8_000);
  }, 40_000);
});

describe('a profile where every request fails and no SLO is set (also seen)', () => {
  it('fails on perfgate’s default error ceiling instead of showing ✅', async () => {
    const run = await runConfig(
      dir(),
      config('{ name: broken, kind: load, duration: 1s, connections: 2, requests: [{ path: /boom }] }'),
    );
    expect(run.code).toBe(1);
    expect(run.result?.profiles[0]?.status).toBe('fail');
    expect(run.result?.profiles[0]?.reasons.join('\n')).toMatch(
      /SLO: errorRate 100\.00% \(limit ≤ 5\.00%, perfgate's default: set slo\.errorRate to choose another\)/,
    );
  });
});
