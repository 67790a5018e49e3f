import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export const FIXTURES = path.resolve('test/fixtures/servers');

export interface FixtureServer {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/**
 * perfgate.yml that boots stubborn.mjs (its tree ignores SIGTERM, so only the SIGKILL after a 1 s
 * grace ends it) on `port` and loads it for a minute: for tests that interrupt or kill perfgate.
 */
export function stubbornRunConfig(port: number, marker: string): string {
  return `version: 1
sut:
  command: node ${FIXTURES}/stubborn.mjs
  env: { PORT: "${port}", MARKER: "${marker}" }
  url: http://127.0.0.1:${port}
  ready: { timeout: 10s }
  stopTimeout: 1s
profiles:
  - { name: long, kind: load, duration: 60s, connections: 1 }
`;
}

/** Starts a fixture server on a free loopback port in its own process and waits for "listening on". */
export function startFixture(name: string, env: Record<string, string> = {}): Promise<FixtureServer> {
  const child = spawn(process.execPath, [path.join(FIXTURES, name)], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${out}`)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        child.removeAllListeners('exit');
        resolve({
          url: m[1],
          child,
          close: () =>
            new Promise((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGKILL');
            }),
        });
      }
    });
  });
}

/**
 * A fixture server for the whole test file (started before its tests, stopped after) and a fresh
 * temp folder for each test (removed after it): what most end-to-end tests of the CLI need.
 * Call at the top of a test file; read the values inside tests.
 */
export function fixtureAndTempDir(fixture: string, prefix: string): { server: () => FixtureServer; dir: () => string } {
  let server: FixtureServer | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    server = await startFixture(fixture);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is read outside a test`);
    return value;
  };
  return { server: () => need(server, 'the fixture server'), dir: () => need(dir, 'the temp folder') };
}
