/**
 * What is left when perfgate cannot tear the SUT down itself: killed with SIGKILL, the watchdog
 * stops the SUT's group and frees the port; a SUT that daemonizes leaves a server perfgate did
 * not start, which the run reports (and the test, not perfgate, ends by PID).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sutSchema } from '../../src/config/schema.js';
import { startSut } from '../../src/sut/index.js';
import type { LeftoverListener } from '../../src/sut/leftover.js';
import { isPortOpen } from '../../src/sut/readiness.js';
import { startWatchdog } from '../../src/sut/watchdog.js';
import { runConfig, startCli, writeConfig } from '../helpers/cli.js';
import { childrenNamed, freePort, isAlive, pidsWithMarker } from '../helpers/processes.js';
import { FIXTURES, stubbornRunConfig } from '../helpers/servers.js';

let dir: string;
let port: number;
let marker: string;
/** Processes a test started itself and must end (a daemon perfgate leaves running), by PID. */
let ours: number[];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-watchdog-'));
  port = await freePort();
  marker = `PERFGATE_TEST_${path.basename(dir)}`;
  ours = [];
});
afterEach(async () => {
  for (const pid of ours) killByPid(pid);
  await until(async () => (await pidsWithMarker(marker)).length === 0, 3000);
  expect(await pidsWithMarker(marker)).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

function killByPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Polls `check` every 50 ms until it holds or `timeoutMs` passes; answers whether it held. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8');

describe('the watchdog', () => {
  it('stops the SUT tree and frees its port after perfgate is killed with SIGKILL', async () => {
    // stubborn.mjs and its grandchild ignore SIGTERM: only the SIGKILL after the grace ends them.
    const config = await writeConfig(dir, stubbornRunConfig(port, marker));
    const cli = startCli(['run', '--config', config, '--out', path.join(dir, 'out')]);
    const exited = new Promise<NodeJS.Signals | null>((r) => cli.once('exit', (_, signal) => r(signal)));
    let err = '';
    const ready = new Promise<void>((resolve) =>
      cli.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('the SUT is ready')) resolve();
      }),
    );
    await Promise.race([ready, exited]);
    const sutPids = await pidsWithMarker(marker);
    expect(sutPids.length, err).toBeGreaterThanOrEqual(2);
    const watchdogs = await childrenNamed(cli.pid as number, 'perfgate-watchdog');
    expect(watchdogs).toHaveLength(1);
    const watchdog = watchdogs[0] as number;
    expect(environOf(watchdog)).toBe('');

    cli.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const t0 = Date.now();
    const gone = await until(
      async () => (await pidsWithMarker(marker)).length === 0 && !(await isPortOpen('127.0.0.1', port)),
      5000,
    );
    const took = Date.now() - t0;
    expect(gone, `still running: ${(await pidsWithMarker(marker)).join(', ')}`).toBe(true);
    // SIGTERM first, SIGKILL only after sut.stopTimeout (1 s) for a tree that ignores SIGTERM.
    expect(took).toBeGreaterThanOrEqual(800);
    expect(await until(() => !isAlive(watchdog), 1000)).toBe(true);
  }, 30_000);

  it('is released on a normal stop: it exits, and finds no listener left', async () => {
    const left: LeftoverListener[] = [];
    const handle = await startSut({
      config: sutSchema.parse({
        command: `node ${FIXTURES}/behaviours.mjs`,
        env: { PORT: String(port), MARKER: marker },
        url: `http://127.0.0.1:${port}`,
        ready: { path: '/health', timeout: '10s' },
        stopTimeout: '1s',
      }),
      dir,
      logDir: dir,
      inheritedEnv: process.env,
      onLeftover: (l) => left.push(l),
    });
    const [watchdog] = await childrenNamed(process.pid, 'perfgate-watchdog');
    expect(watchdog).toBeDefined();
    await handle.stop();
    expect(isAlive(watchdog as number)).toBe(false);
    expect(left).toEqual([]);
    expect(await isPortOpen('127.0.0.1', port)).toBe(false);
  });

  it('signals nothing once released, even when its input then ends', async () => {
    const group = spawn('sleep', ['30'], { detached: true, stdio: 'ignore', env: { MARKER: marker } });
    ours.push(group.pid as number);
    const watchdog = startWatchdog();
    watchdog.watch(group.pid as number, 100);
    watchdog.release();
    await watchdog.exited(2000);
    expect(isAlive(watchdog.pid as number)).toBe(false);
    expect(isAlive(group.pid as number)).toBe(true);
  });
});

describe('a SUT that daemonizes', () => {
  it.each([
    ['keeps a foreground process', `node ${FIXTURES}/daemonize.mjs && exec sleep 30`],
    ['exits once its daemon listens', `node ${FIXTURES}/daemonize.mjs`],
  ])(
    'and %s: the run names the port and the process perfgate left running',
    async (_, command) => {
      const run = await runConfig(
        dir,
        `version: 1
sut:
  command: ${command}
  env: { PORT: "${port}", MARKER: "${marker}", DAEMON_LIFETIME_MS: "30000" }
  url: http://127.0.0.1:${port}
  ready: { path: /, timeout: 10s }
  stopTimeout: 1s
profiles:
  - { name: quick, kind: load, duration: 1s, connections: 1 }
`,
      );
      const daemons = await pidsWithMarker(marker);
      ours.push(...daemons);
      expect(daemons, run.log).toHaveLength(1);
      const daemon = daemons[0] as number;
      expect(readFileSync(`/proc/${daemon}/cmdline`, 'utf8')).toContain('daemonize.mjs\0serve');
      const notice = run.result?.notices.find((n) => n.startsWith(`port ${port} is still listening`));
      expect(notice, run.log).toBeDefined();
      expect(notice).toContain(`PID ${daemon} (`);
      expect(notice).toContain('daemonize.mjs serve');
      expect(notice).toContain('did not start it as a child');
      expect(run.log).toContain(`warning: port ${port} is still listening`);
      expect(await readFile(path.join(run.out, 'report.md'), 'utf8')).toContain(`port ${port} is still listening`);
      // perfgate left it running: it still answers.
      expect(await isPortOpen('127.0.0.1', port)).toBe(true);
    },
    30_000,
  );
});
