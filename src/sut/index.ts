/**
 * Boots the system under test: `sh -c command` in its own process group with its env and cwd,
 * output captured to a log file, readiness probed until the timeout; and tears the whole tree
 * down afterwards (SIGTERM to the group, grace period, SIGKILL). A watchdog process
 * (watchdog.ts) does the same if perfgate is killed before it can; after the stop, a listener
 * left on the SUT's port is reported (leftover.ts). Or, without a command, checks that the
 * server that is already running answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SutError } from '../errors.js';
import { maskSecrets } from '../secrets/mask.js';
import { pinnedCommand } from '../proc/affinity.js';
import { signalTree, TreeMemory, treePids } from '../proc/tree.js';
import { findLeftoverListener } from './leftover.js';
import { readTail } from './log-tail.js';
import { candidateHosts, isPortOpen, portOf, ReadinessTimeout, waitUntilReady } from './readiness.js';
import type { StartSutOptions, SutExit, SutHandle } from './types.js';
import { startWatchdog, type Watchdog } from './watchdog.js';

export type { SutHandle, StartSutOptions } from './types.js';

/**
 * SUTs still running (PID → its watchdog), killed synchronously if perfgate exits without
 * stopping them; their watchdogs are released then, the group being gone.
 */
const running = new Map<number, Watchdog>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [pid, watchdog] of running) {
      signalTree(pid, 'SIGKILL');
      watchdog.release();
    }
  });
}

export async function startSut(options: StartSutOptions): Promise<SutHandle> {
  const { config } = options;
  const url = new URL(config.url);
  if (!config.command) return attachToRunningServer(options, url);
  await assertPortFree(url, config.url);
  const started = Date.now();
  const { child, pid, logFile, secrets, watchdog } = await spawnSut(options, config.command);
  const life = superviseTree(child, { pid, started, watchdog, options });
  const handle: SutHandle = {
    url: config.url.replace(/\/$/, ''),
    pid,
    startupMs: undefined,
    logFile,
    exit: life.exit,
    exited: life.exited,
    logTail: (lines = 40) => maskSecrets(readTail(logFile, lines), secrets),
    pids: () => treePids(pid),
    stop: life.stop,
  };
  await waitUntilSutReady(handle, options, url, started);
  return handle;
}

async function assertPortFree(url: URL, configured: string): Promise<void> {
  const port = portOf(url);
  for (const host of candidateHosts(url)) {
    if (await isPortOpen(host, port)) {
      throw new SutError(
        `port ${port} is already in use on ${host} (sut.url ${configured}); stop the process listening there or change the port in sut.url and sut.env`,
      );
    }
  }
}

/** `sh -c command` in its own process group (so that the whole tree can be signalled), output to sut.log. */
async function spawnSut(options: StartSutOptions, command: string) {
  const { config } = options;
  await mkdir(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, 'sut.log');
  const logFd = openSync(logFile, 'w');
  const cwd = path.resolve(options.dir, config.cwd);
  const env = { ...options.inheritedEnv, ...config.env, ...(options.extraEnv ?? {}) };
  const secrets = options.secrets ?? [];
  // Started first, so that no moment passes with a SUT and no watchdog: it is armed as soon as
  // the group's ID is known, within the same tick as the spawn.
  const watchdog = startWatchdog();
  // Pinned: taskset sets the CPUs and execs the shell (same PID), whose children inherit them.
  const [file, ...prefix] = options.cpus ? [...pinnedCommand(options.cpus), 'sh'] : ['sh'];
  const child = spawn(file as string, [...prefix, '-c', command], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) {
    watchdog.release();
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new SutError(`could not start the SUT command ${JSON.stringify(command)} in ${cwd}: ${error.message}`);
  }
  watchdog.watch(pid, config.stopTimeout);
  running.set(pid, watchdog);
  installExitHook();
  return { child, pid, logFile, secrets, watchdog };
}

interface Supervised {
  pid: number;
  started: number;
  watchdog: Watchdog;
  options: StartSutOptions;
}

/**
 * Watches the SUT's tree while it runs (an exit on its own is a crash) and stops it: SIGTERM to
 * the group, the grace period, SIGKILL to what is left, until the tree is really gone; then
 * releases the watchdog and looks for a listener left on the port.
 */
function superviseTree(child: ChildProcess, { pid, started, watchdog, options }: Supervised) {
  const stopTimeout = options.config.stopTimeout;
  let exit: SutExit | undefined;
  let stopping = false;
  const tree = new TreeMemory(pid);
  tree.refresh();
  let resolveExited!: (e: SutExit) => void;
  const exited = new Promise<SutExit>((r) => (resolveExited = r));
  const onExit = new Promise<SutExit>((resolve) => {
    child.once('exit', (code, signal) => {
      const e = { code, signal, atMs: Date.now() - started };
      resolve(e);
      if (!stopping) {
        exit = e;
        resolveExited(e);
      }
    });
  });
  // Remember the tree while it runs: once sh exits, its children are no longer found through it.
  const poll = setInterval(() => tree.refresh(), 1000);
  poll.unref();
  const stop = once(async () => {
    stopping = true;
    clearInterval(poll);
    signalTree(pid, 'SIGTERM', tree.live());
    const deadline = Date.now() + stopTimeout;
    while (Date.now() < deadline && tree.live().length > 0) await sleep(50);
    const left = tree.live();
    if (left.length) {
      signalTree(pid, 'SIGKILL', left);
      // SIGKILL is delivered asynchronously: resolve only once the tree is really gone.
      const killDeadline = Date.now() + 2000;
      while (Date.now() < killDeadline && tree.live().length > 0) await sleep(20);
    }
    if (child.exitCode === null && child.signalCode === null) await Promise.race([onExit, sleep(2000)]);
    running.delete(pid);
    watchdog.release();
    await watchdog.exited();
    if (options.onLeftover) {
      const leftover = await findLeftoverListener(options.config.url, options.secrets ?? []);
      if (leftover) options.onLeftover(leftover);
    }
  });
  return { exit: () => exit, exited, stop };
}

/** Probes until ready; a SUT that exits, times out or is interrupted first is stopped and named with its log tail. */
async function waitUntilSutReady(
  handle: SutHandle,
  options: StartSutOptions,
  url: URL,
  started: number,
): Promise<void> {
  const { config } = options;
  const waiting = new AbortController();
  const cancelWait = (reason: Error) => waiting.abort(reason);
  void handle.exited.then((e) => cancelWait(new SutExitedEarly(e)));
  const onOuterAbort = () => cancelWait(new Error('interrupted'));
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    handle.url = await waitUntilReady({
      url,
      path: config.ready.path,
      timeoutMs: config.ready.timeout,
      signal: waiting.signal,
    });
    handle.startupMs = Date.now() - started;
  } catch (e) {
    await handle.stop();
    const tail = handle.logTail();
    if (e instanceof SutExitedEarly) {
      throw new SutError(
        `the SUT command exited with ${exitText(e.exit)} ${(e.exit.atMs / 1000).toFixed(1)}s after start, before it became ready at ${config.url}${config.ready.path}`,
        tail,
      );
    }
    if (e instanceof ReadinessTimeout) {
      throw new SutError(
        `the SUT did not become ready within ${config.ready.timeout / 1000}s (sut.ready.timeout); last probe ${e.lastProbe}`,
        tail,
      );
    }
    throw new SutError(`stopped while waiting for the SUT to become ready: ${(e as Error).message}`, tail);
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function attachToRunningServer(options: StartSutOptions, url: URL): Promise<SutHandle> {
  const { config } = options;
  const started = Date.now();
  let base: string;
  try {
    base = await waitUntilReady({
      url,
      path: config.ready.path,
      timeoutMs: config.ready.timeout,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    const detail = e instanceof ReadinessTimeout ? e.lastProbe : (e as Error).message;
    throw new SutError(
      `the server at ${config.url} (no sut.command: perfgate expects it to be running) did not answer within ${config.ready.timeout / 1000}s; last probe ${detail}`,
    );
  }
  return {
    url: base,
    pid: undefined,
    startupMs: Date.now() - started,
    logFile: undefined,
    exit: () => undefined,
    exited: new Promise<SutExit>(() => {}),
    logTail: () => '',
    pids: () => [],
    stop: async () => {},
  };
}

class SutExitedEarly extends Error {
  constructor(readonly exit: SutExit) {
    super('the SUT exited');
  }
}

function exitText(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
