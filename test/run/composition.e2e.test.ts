/**
 * The run composition's seams, through the CLI where a user would meet them: the start time of
 * shards, interrupts, the environment handed down from the front door, and the listeners a long
 * run must not pile up.
 */
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/read.js';
import { createLoadRunner } from '../../src/load/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { measureProfiles } from '../../src/run/measure.js';
import { startSut } from '../../src/sut/index.js';
import { runConfig } from '../helpers/cli.js';
import { freePort } from '../helpers/processes.js';
import { startFixture, type FixtureServer } from '../helpers/servers.js';

let dir: string;
let server: FixtureServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-compose-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('--start-at', () => {
  it('refuses a start time more than 15 minutes ahead with exit 2, before the SUT boots', async () => {
    const port = await freePort();
    const marker = path.join(dir, 'booted');
    const far = new Date(Date.now() + 60 * 60_000).toISOString();
    const run = await runConfig(
      dir,
      `version: 1\nsut:\n  command: touch ${JSON.stringify(marker)}; node ${JSON.stringify(path.resolve('examples/shop/server.mjs'))}\n  env: { PORT: "${port}" }\n  url: http://127.0.0.1:${port}\nprofiles:\n  - { name: a, kind: load, duration: 1s }\n`,
      { args: ['--start-at', far] },
    );
    expect(run.code).toBe(2);
    expect(run.errors).toMatch(/--start-at: ".*" is 60 min away; expected a time at most 15 min ahead/);
    await expect(stat(marker)).rejects.toThrow(/ENOENT/);
  });

  it('stops waiting for the start time when perfgate is interrupted', async () => {
    server = await startFixture('behaviours.mjs');
    const interrupt = new AbortController();
    const soon = new Date(Date.now() + 10 * 60_000).toISOString();
    setTimeout(() => interrupt.abort(new Error('received SIGINT')), 300);
    const started = Date.now();
    const run = await runConfig(
      dir,
      `version: 1\nsut: { url: "${server.url}", ready: { path: /health } }\nmonitor: { enabled: false }\nprofiles:\n  - { name: a, kind: load, duration: 1s }\n`,
      {
        args: ['--start-at', soon, '--no-html'],
        signal: interrupt.signal,
      },
    );
    // Without the interrupt this run would wait ten minutes.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.code).toBe(3);
    expect(run.result?.reasons).toEqual([
      expect.stringMatching(/^interrupted \(received SIGINT\) before all profiles ran/),
    ]);
    expect(run.result?.profiles).toEqual([]);
  });
});

describe('the environment handed down by the front door', () => {
  it('is what the OTLP export reads its headers from', async () => {
    server = await startFixture('behaviours.mjs');
    const seen: http.IncomingHttpHeaders[] = [];
    const receiver = http.createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/metrics`;
    try {
      const run = await runConfig(
        dir,
        `version: 1\nsut: { url: "${server.url}", ready: { path: /health } }\nmonitor: { enabled: false }\nexport: { otlp: { url: "${url}", headersEnv: PERFGATE_TEST_OTLP_HEADERS } }\nprofiles:\n  - { name: a, kind: load, duration: 1s, connections: 2, requests: [{ path: /fast }] }\n`,
        {
          args: ['--no-html'],
          env: { ...process.env, PERFGATE_TEST_OTLP_HEADERS: 'x-perfgate-test=from-the-injected-env' },
        },
      );
      expect(run.code, run.log).toBe(0);
      expect(seen.map((h) => h['x-perfgate-test'])).toContain('from-the-injected-env');
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('is where a jmeter profile finds JMETER_BIN', async () => {
    server = await startFixture('behaviours.mjs');
    await copyFile('test/fixtures/jmeter/plan.jmx', path.join(dir, 'plan.jmx'));
    const bin = path.join(dir, 'jmeter');
    // A stand-in that prints what a JMeter without its HTTP sampler prints, so that its use shows.
    await writeFile(
      bin,
      "#!/bin/sh\necho 'path : /jmeterTestPlan/hashTree/hashTree/hashTree/HTTPSamplerProxy'\nexit 0\n",
      { mode: 0o755 },
    );
    const run = await runConfig(
      dir,
      `version: 1\nsut: { url: "${server.url}", ready: { path: /health } }\nprofiles:\n  - { name: plan, kind: jmeter, plan: plan.jmx, properties: { port: ${new URL(server.url).port} }, timeout: 30s }\n`,
      {
        args: ['--no-html'],
        env: { ...process.env, JMETER_BIN: bin },
      },
    );
    expect(process.env.JMETER_BIN).not.toBe(bin);
    expect(run.result?.profiles[0]?.reasons.join('\n')).toMatch(/could not load the plan element HTTPSamplerProxy/);
  });
});

describe('a run of several profiles', () => {
  it('leaves no abort listener behind on the run signal', async () => {
    server = await startFixture('behaviours.mjs');
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      `version: 1\nsut: { url: "${server.url}", ready: { path: /health } }\nprofiles:\n${['a', 'b', 'c'].map((n) => `  - { name: ${n}, kind: load, duration: 300ms, connections: 1, requests: [{ path: /fast }] }\n`).join('')}`,
    );
    const settings = await loadSettings(path.join(dir, 'perfgate.yml'), {});
    const interrupt = new AbortController();
    const before = getEventListeners(interrupt.signal, 'abort').length;
    const measured = await measureProfiles(
      { settings, outDir: path.join(dir, 'out'), profiles: settings.config.profiles },
      {
        logger: silentLogger,
        loadRunner: createLoadRunner(),
        startSut,
        collectors: [],
        secrets: [],
        env: process.env,
        now: () => new Date(),
        signal: interrupt.signal,
      },
    );
    expect(measured.profiles.map((p) => p.status)).toEqual(['pass', 'pass', 'pass']);
    expect(getEventListeners(interrupt.signal, 'abort').length).toBe(before);
  });
});
