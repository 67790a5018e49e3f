/**
 * The SUT lifecycle against real processes: boot through `sh -c`, readiness, early exit, a
 * server that never becomes healthy, a taken port, teardown of a tree that ignores SIGTERM,
 * and an interrupted perfgate. Each test checks that no process it started is left behind.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sutSchema } from '../../src/config/schema.js';
import { SutError } from '../../src/errors.js';
import { startSut } from '../../src/sut/index.js';
import { assertTargetAllowed } from '../../src/sut/target.js';
import { startCli, writeConfig } from '../helpers/cli.js';
import { FIXTURES, stubbornRunConfig } from '../helpers/servers.js';
import { freePort, isAlive, pidsWithMarker } from '../helpers/processes.js';

let dir: string;
let port: number;
let marker: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-sut-'));
  port = await freePort();
  marker = `PERFGATE_TEST_${path.basename(dir)}`;
});
afterEach(async () => {
  expect(await pidsWithMarker(marker)).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

const sut = (command: string | undefined, extra: Record<string, unknown> = {}) =>
  sutSchema.parse({
    ...(command ? { command } : {}),
    env: { PORT: String(port), MARKER: marker },
    url: `http://127.0.0.1:${port}`,
    ready: { path: '/health', timeout: '10s' },
    stopTimeout: '1s',
    ...extra,
  });

async function expectSutError(p: Promise<unknown>): Promise<SutError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SutError);
  return e as SutError;
}

describe('startSut', () => {
  it('boots a command through sh in the config folder, waits for health, and stops the whole tree', async () => {
    const handle = await startSut({
      config: sut(`node ${FIXTURES}/behaviours.mjs`),
      dir,
      logDir: dir,
      inheritedEnv: process.env,
    });
    expect(handle.url).toBe(`http://127.0.0.1:${port}`);
    expect(handle.startupMs).toBeGreaterThan(0);
    const res = await fetch(`${handle.url}/fast`);
    expect(await res.text()).toBe('ok');
    expect(handle.pids().length).toBeGreaterThanOrEqual(1);
    expect(handle.logTail()).toContain(`listening on http://127.0.0.1:${port}`);
    await handle.stop();
    expect(handle.exit()).toBeUndefined();
  });

  it('names the exit code and shows the output when the command exits before it is ready', async () => {
    const t0 = Date.now();
    const e = await expectSutError(
      startSut({ config: sut(`echo "cannot connect to db" >&2; exit 7`), dir, logDir: dir, inheritedEnv: process.env }),
    );
    expect(e.message).toMatch(/exited with exit code 7 .* before it became ready/);
    expect(e.logTail).toContain('cannot connect to db');
    expect(e.exitCode).toBe(3);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('gives up after ready.timeout on a server that never becomes healthy, with the last probe and the log', async () => {
    const t0 = Date.now();
    const e = await expectSutError(
      startSut({
        config: sut(`node ${FIXTURES}/unhealthy.mjs`, { ready: { path: '/health', timeout: '1500ms' } }),
        dir,
        logDir: dir,
        inheritedEnv: process.env,
      }),
    );
    const took = Date.now() - t0;
    expect(e.message).toContain('did not become ready within 1.5s');
    expect(e.message).toContain('answered 503');
    expect(e.logTail).toContain('database is not there');
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(5000);
  });

  it('refuses to start when the port of sut.url is taken, and names the port', async () => {
    const blocker = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const e = await expectSutError(
        startSut({ config: sut(`node ${FIXTURES}/behaviours.mjs`), dir, logDir: dir, inheritedEnv: process.env }),
      );
      expect(e.message).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('kills a tree that ignores SIGTERM after the grace period, grandchildren included', async () => {
    const handle = await startSut({
      config: sut(`node ${FIXTURES}/stubborn.mjs`, { ready: { path: '/', timeout: '10s' } }),
      dir,
      logDir: dir,
      inheritedEnv: process.env,
    });
    const grandchild = Number(/grandchild (\d+)/.exec(handle.logTail())?.[1]);
    expect(isAlive(grandchild)).toBe(true);
    const t0 = Date.now();
    await handle.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(isAlive(grandchild)).toBe(false);
    expect(handle.logTail()).toContain('parent ignores SIGTERM');
  });

  it('notices a crash while running and says when it happened', async () => {
    const handle = await startSut({
      config: sut(`node ${FIXTURES}/behaviours.mjs`),
      dir,
      logDir: dir,
      inheritedEnv: process.env,
    });
    process.kill(handle.pids().at(-1) as number, 'SIGKILL');
    const exit = await handle.exited;
    expect(exit.signal ?? exit.code).toBeTruthy();
    expect(exit.atMs).toBeGreaterThan(0);
    expect(handle.exit()).toEqual(exit);
    await handle.stop();
  });

  it('attaches to a server that is already running when there is no command', async () => {
    const handle = await startSut({
      config: sut(`node ${FIXTURES}/behaviours.mjs`),
      dir,
      logDir: dir,
      inheritedEnv: process.env,
    });
    try {
      const external = await startSut({
        config: sut(undefined, { url: `http://localhost:${port}` }),
        dir,
        logDir: dir,
        inheritedEnv: process.env,
      });
      expect(external.pid).toBeUndefined();
      expect(external.url).toBe(`http://127.0.0.1:${port}`);
      await external.stop();
    } finally {
      await handle.stop();
    }
  });
});

describe('assertTargetAllowed', () => {
  it.each(['http://127.0.0.1:1', 'http://127.9.9.9:1', 'http://[::1]:1', 'http://localhost:1'])(
    'allows loopback %s',
    async (url) => {
      await expect(assertTargetAllowed(url, [])).resolves.toBeUndefined();
    },
  );
  it.each(['http://10.0.0.1/', 'http://8.8.8.8/', 'http://[2001:db8::1]/'])(
    'refuses %s unless it is in targets.allow',
    async (url) => {
      await expect(assertTargetAllowed(url, [])).rejects.toThrow(/targets\.allow/);
      const host = new URL(url).hostname.replace(/[[\]]/g, '');
      await expect(assertTargetAllowed(url, [host])).resolves.toBeUndefined();
    },
  );
});

describe('an interrupted perfgate', () => {
  it('tears the SUT tree down on SIGINT and exits 130', async () => {
    const config = await writeConfig(dir, stubbornRunConfig(port, marker));
    const cli = startCli(['run', '--config', config, '--out', path.join(dir, 'out')]);
    const exited = new Promise<number | null>((r) => cli.once('exit', (c) => r(c)));
    let err = '';
    const running = new Promise<void>((resolve) =>
      cli.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('profile 1/1 "long"')) resolve();
      }),
    );
    // Until the profile runs, or perfgate exits before it does (then the next line says why).
    await Promise.race([running, exited]);
    expect((await pidsWithMarker(marker)).length, err).toBeGreaterThanOrEqual(2);
    cli.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(err, err).toContain('interrupted');
  }, 30_000);
});
