/**
 * A server that perfgate did not start (no sut.command): the monitor finds the process that
 * listens on the URL's port through /proc and samples it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { silentLogger } from '../../src/log/logger.js';
import { runResultSchema } from '../../src/model/result.js';
import { findListener, listeningInodes } from '../../src/proc/listener.js';
import { startFixture, type FixtureServer } from '../helpers/servers.js';

describe('/proc/net/tcp', () => {
  it('picks the listening sockets of a port, any address, IPv4 or IPv6', () => {
    const v4 = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0BB8 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 41299 1 0000000000000000 20 4 30 10 -1
   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11111 1 0000000000000000 100 0 0 10 0`;
    const v6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 52345 1 0000000000000000 100 0 0 10 0`;
    expect(listeningInodes(v4, 3000)).toEqual(['41234']); // the established connection (st 01) is not a listener
    expect(listeningInodes(v4, 8080)).toEqual(['11111']);
    expect(listeningInodes(v6, 3000)).toEqual(['52345']);
    expect(listeningInodes(v4, 3001)).toEqual([]);
  });
});

describe('a server perfgate did not start', () => {
  let server: FixtureServer;
  let dir: string;
  beforeAll(async () => {
    server = await startFixture('behaviours.mjs');
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-external-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the listening process (never perfgate itself)', async () => {
    expect(findListener(Number(new URL(server.url).port)).pids).toEqual([server.child.pid]);
    const own = http.createServer();
    await new Promise<void>((r) => own.listen(0, '127.0.0.1', r));
    try {
      expect(findListener((own.address() as AddressInfo).port)).toEqual({ pids: [], listening: true, self: true });
    } finally {
      own.close();
    }
  });

  it('samples its CPU and memory during the profile and says which PID it read', async () => {
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      `version: 1\nsut: { url: "${server.url}", ready: { path: /health } }\nprofiles:\n  - { name: busy, kind: load, duration: 2s, connections: 2, requests: [{ path: "/cpu?ms=2" }] }\n`,
    );
    await main(['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out'), '--no-html'], {
      stdout: () => {},
      logger: silentLogger,
      cwd: dir,
    });
    const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')));
    const resources = result.profiles[0]?.resources;
    expect(resources?.samples.length).toBeGreaterThanOrEqual(10);
    // Two connections keep the single-threaded server busy: most of one core.
    expect(resources?.summary.cpuPercentMean).toBeGreaterThan(40);
    expect(resources?.samples.every((s) => s.rssBytes > 10e6)).toBe(true);
    expect(result.notices.join('\n')).toContain(
      `resources were sampled from PID ${server.child.pid} and its children: the process listening on port ${new URL(server.url).port}`,
    );
  }, 30_000);
});
