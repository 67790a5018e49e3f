/**
 * Three shard processes against one loopback server, merged, compared with one run of the same
 * load (the exact merge itself is shard.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, spawnCli, writeConfig } from '../helpers/cli.js';
import { startFixture, type FixtureServer } from '../helpers/servers.js';

describe('three shards against one server', () => {
  let server: FixtureServer;
  let dir: string;
  let config: string;
  beforeAll(async () => {
    server = await startFixture('behaviours.mjs');
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-shard-'));
    config = await writeConfig(
      dir,
      `version: 1\nsut: { url: "${server.url}", ready: { path: /health } }\nprofiles:\n  - { name: api, kind: load, duration: 3s, rate: 300, requests: [{ path: "/sleep?ms=10" }], slo: { p99: 500ms } }\n`,
    );
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('merge to the same rate and latency as one run of the whole load', async () => {
    const startAt = new Date(Date.now() + 4000).toISOString();
    const shards = await Promise.all(
      [1, 2, 3].map((i) =>
        spawnCli([
          'run',
          '--config',
          config,
          '--out',
          path.join(dir, `shard-${i}`),
          '--shard',
          `${i}/3`,
          '--start-at',
          startAt,
          '--no-html',
        ]),
      ),
    );
    expect(
      shards.map((s) => s.code),
      shards.map((s) => s.stderr).join('\n'),
    ).toEqual([0, 0, 0]);
    const { code } = await runCli(
      ['merge', ...[1, 2, 3].map((i) => path.join(dir, `shard-${i}`)), '--out', path.join(dir, 'merged'), '--no-html'],
      { cwd: dir },
    );
    expect(code).toBe(0);
    const merged = (await readResult(path.join(dir, 'merged'))).profiles[0];
    await runCli(['run', '--config', config, '--out', path.join(dir, 'single'), '--no-html'], { cwd: dir });
    const single = (await readResult(path.join(dir, 'single'))).profiles[0];
    expect(merged?.rate).toBe(300);
    expect(merged?.throughput.rps).toBeGreaterThan(300 * 0.95);
    expect(merged?.throughput.rps).toBeLessThan(300 * 1.05);
    expect(Math.abs((merged?.requests.total ?? 0) - (single?.requests.total ?? 0))).toBeLessThanOrEqual(30);
    // A quantile of the merged samples lies between the shards' own quantiles (a property of the
    // merge, not of timing), and the merged count is the sum of the shards' counts.
    const parts = await Promise.all(
      [1, 2, 3].map(async (i) => (await readResult(path.join(dir, `shard-${i}`))).profiles[0]),
    );
    for (const q of ['p50', 'p90', 'p99'] as const) {
      const values = parts.map((p) => p?.latency[q] ?? Number.NaN);
      expect(merged?.latency[q]).toBeGreaterThanOrEqual(Math.min(...values));
      expect(merged?.latency[q]).toBeLessThanOrEqual(Math.max(...values));
    }
    expect(merged?.requests.total).toBe(parts.reduce((sum, p) => sum + (p?.requests.total ?? 0), 0));
    // Against one run of the whole load on the same server: the same latency for the fastest
    // request. The quantiles are not compared across the two runs: each carries the scheduling
    // delay of its moment, and the open model charges a generator's lag to latency. Merged/single
    // p50 read 0.99–1.03 quiet or with one busy process (1.20 once), and 0.21 with two busy
    // processes (the single generator lagged; three shard processes got more CPU between them);
    // p90 read 0.34 once while another test suite ran. The minimum read 1.01–1.02 in 7 runs,
    // quiet and loaded. A merge that added the shards' latencies would read about 3; one that distorted a
    // quantile would put it outside the shards' own quantiles, checked above.
    const minRatio = (merged?.latency.min ?? 0) / (single?.latency.min ?? 1);
    expect(minRatio).toBeGreaterThan(0.75);
    expect(minRatio).toBeLessThan(1.6);
    expect(merged?.timeline.length).toBeGreaterThanOrEqual(3);
    // Each shard kept its per-second histograms for this exact merge; the merged result does not.
    for (const p of parts)
      expect(p?.timeline.filter((pt) => pt.rps > 0).every((pt) => pt.histogram?.startsWith('HISTF'))).toBe(true);
    expect(merged?.timeline.some((pt) => pt.histogram)).toBe(false);
    expect(single?.timeline.some((pt) => pt.histogram)).toBe(false);
  }, 60_000);
});
