/**
 * End to end through the CLI front door: a real SUT (examples/shop) booted from a command,
 * real load on loopback, result.json and report.md written, exit codes as documented.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { freePort, pidsWithMarker } from '../helpers/processes.js';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { Logger } from '../../src/log/logger.js';
import { runResultSchema } from '../../src/model/result.js';

const shop = path.resolve('examples/shop/server.mjs');

const pidsOf = pidsWithMarker;

const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {}, progress() {} };
function capture() {
  const err: string[] = [];
  const logger: Logger = { ...quiet, error: (m) => err.push(m), warn: (m) => err.push(m) };
  return { err, io: { stdout: () => {}, logger } };
}

describe('perfgate run, end to end', () => {
  let dir: string;
  let port: number;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-e2e-'));
    port = await freePort();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const config = (profiles: string, command = `node ${JSON.stringify(shop)}`) => `version: 1
sut:
  command: ${command}
  env: { PORT: "${port}", MARKER: "${path.basename(dir)}" }
  url: http://127.0.0.1:${port}
  ready: { path: /health, timeout: 10s }
profiles:
${profiles}`;

  it('boots the SUT, measures, writes result.json and report.md, exits 0, and leaves no process', async () => {
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      config(`  - name: browse
    kind: load
    duration: 3s
    warmup: 1s
    connections: 4
    requests:
      - { path: /api/items, weight: 3 }
      - { path: /api/items/7, weight: 1 }
    slo: { p99: 500ms, errorRate: 1% }
`),
    );
    const c = capture();
    const code = await main(['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out')], {
      ...c.io,
      cwd: dir,
    });
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')));
    expect(result.status).toBe('pass');
    const p = result.profiles[0];
    expect(p?.requests.total).toBeGreaterThan(100);
    expect(p?.errors.total).toBe(0);
    expect(p?.latency.p50).toBeGreaterThan(0);
    expect(p?.latency.p99).toBeGreaterThanOrEqual(p?.latency.p50 ?? Infinity);
    expect(p?.timeline.length).toBeGreaterThanOrEqual(2);
    expect(p?.slo.checks.map((x) => x.metric)).toEqual(['p99', 'errorRate']);
    expect(result.sut.startupMs).toBeGreaterThan(0);
    expect(await readFile(path.join(dir, 'out', 'report.md'), 'utf8')).toContain('browse');
    expect(await pidsOf(path.basename(dir))).toEqual([]);
  });

  it('exits 1 when an SLO is broken and says which', async () => {
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      config(
        `  - { name: strict, kind: load, duration: 2s, rate: 50, requests: [{ path: /api/report }], slo: { p50: 1ms } }\n`,
      ),
    );
    const c = capture();
    const code = await main(['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out')], {
      ...c.io,
      cwd: dir,
    });
    expect(code).toBe(1);
    const result = JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')) as {
      status: string;
      reasons: string[];
    };
    expect(result.status).toBe('fail');
    expect(result.reasons.join('\n')).toMatch(/strict: SLO: p50 [\d.]+ ms \(limit ≤ 1\.000 ms\)/);
  });

  it('exits 3 when the command exits at once, with its output in the result', async () => {
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      config(
        `  - { name: a, kind: load, duration: 2s }\n`,
        JSON.stringify(`node -e "console.error('boom: missing DATABASE_URL'); process.exit(4)"`),
      ),
    );
    const c = capture();
    const t0 = Date.now();
    const code = await main(['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out')], {
      ...c.io,
      cwd: dir,
    });
    expect(code).toBe(3);
    expect(Date.now() - t0).toBeLessThan(8_000);
    const result = JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')) as {
      status: string;
      reasons: string[];
      sut: { logTail?: string };
    };
    expect(result.status).toBe('error');
    expect(result.reasons.join('\n')).toMatch(/exit/i);
    expect(result.sut.logTail).toContain('boom: missing DATABASE_URL');
  });

  it('exits 3 and names the port when the port is already taken', async () => {
    const blocker = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      await writeFile(path.join(dir, 'perfgate.yml'), config(`  - { name: a, kind: load, duration: 2s }\n`));
      const c = capture();
      const code = await main(['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out')], {
        ...c.io,
        cwd: dir,
      });
      expect(code).toBe(3);
      const result = JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')) as { reasons: string[] };
      expect(result.reasons.join('\n')).toContain(String(port));
    } finally {
      blocker.close();
    }
  });
});
