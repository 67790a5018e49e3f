/**
 * Three shard processes against one loopback server, merged, compared with one run of the same
 * load (the exact merge itself is shard.test.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { silentLogger } from '../../src/log/logger.js';
import { runResultSchema } from '../../src/model/result.js';
import { startFixture, type FixtureServer } from '../helpers/servers.js';

describe('three shards against one server', () => {
  let server: FixtureServer;
  let dir: string;
  beforeAll(async () => {
    server = await startFixture('behaviours.mjs');
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-shard-'));
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      `version: 1\nsut: { url: "${server.url}", ready: { path: /health } }\nprofiles:\n  - { name: api, kind: load, duration: 3s, rate: 300, requests: [{ path: "/sleep?ms=10" }], slo: { p99: 500ms } }\n`,
    );
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('merge to the same rate and latency as one run of the whole load', async () => {
    const startAt = new Date(Date.now() + 4000).toISOString();
    const shards = [1, 2, 3].map(
      (i) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, `shard-${i}`), '--shard', `${i}/3`, '--start-at', startAt, '--no-html'], { stdio: 'ignore' });
          child.once('exit', resolve);
        }),
    );
    expect(await Promise.all(shards)).toEqual([0, 0, 0]);
    const code = await main(['merge', ...[1, 2, 3].map((i) => path.join(dir, `shard-${i}`)), '--out', path.join(dir, 'merged'), '--no-html'], { stdout: () => {}, logger: silentLogger, cwd: dir });
    expect(code).toBe(0);
    const merged = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'merged', 'result.json'), 'utf8'))).profiles[0];
    await main(['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'single'), '--no-html'], { stdout: () => {}, logger: silentLogger, cwd: dir });
    const single = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'single', 'result.json'), 'utf8'))).profiles[0];
    expect(merged?.rate).toBe(300);
    expect(merged?.throughput.rps).toBeGreaterThan(300 * 0.95);
    expect(merged?.throughput.rps).toBeLessThan(300 * 1.05);
    expect(Math.abs((merged?.requests.total ?? 0) - (single?.requests.total ?? 0))).toBeLessThanOrEqual(30);
    // A quantile of the merged samples lies between the shards' own quantiles (a property of the
    // merge, not of timing), and the merged count is the sum of the shards' counts.
    const parts = await Promise.all(
      [1, 2, 3].map(async (i) => runResultSchema.parse(JSON.parse(await readFile(path.join(dir, `shard-${i}`, 'result.json'), 'utf8'))).profiles[0]),
    );
    for (const q of ['p50', 'p90', 'p99'] as const) {
      const values = parts.map((p) => p?.latency[q] ?? Number.NaN);
      expect(merged?.latency[q]).toBeGreaterThanOrEqual(Math.min(...values));
      expect(merged?.latency[q]).toBeLessThanOrEqual(Math.max(...values));
    }
    expect(merged?.requests.total).toBe(parts.reduce((sum, p) => sum + (p?.requests.total ?? 0), 0));
    // Against one run of the whole load on the same server: the same order of latency, not the
    // same number. The exact-merge property is the unit test above; this is two runs at
    // different times, and three generator processes (plus the server) on 2 cores add their
    // own scheduling delay to a 10 ms answer. Measured here: merged/single p50 1.20 with another
    // process busy on one core, p90 1.40 on a freshly booted CI machine. p99 (the 9th-slowest
    // of ~900, set by a few scheduler pauses) read 0.7–3.6 over four quiet runs and 5.3 on CI,
    // so it is not compared across runs at all. A merge that added the shards' latencies would
    // read about 3 at every quantile.
    const ratio = (q: 'p50' | 'p90' | 'p99') => (merged?.latency[q] ?? 0) / (single?.latency[q] ?? 1);
    expect(ratio('p50')).toBeGreaterThan(0.75);
    expect(ratio('p50')).toBeLessThan(1.6);
    expect(ratio('p90')).toBeGreaterThan(0.6);
    expect(ratio('p90')).toBeLessThan(2);
    expect(merged?.timeline.length).toBeGreaterThanOrEqual(3);
    // Each shard kept its per-second histograms for this exact merge; the merged result does not.
    for (const p of parts) expect(p?.timeline.filter((pt) => pt.rps > 0).every((pt) => pt.histogram?.startsWith('HISTF'))).toBe(true);
    expect(merged?.timeline.some((pt) => pt.histogram)).toBe(false);
    expect(single?.timeline.some((pt) => pt.histogram)).toBe(false);
  }, 60_000);
});
