/**
 * The checkout's build step (`sut.build`, or the action's install of a checkout without its
 * dependencies): `sh -c command` in the SUT's folder, with the SUT's environment (never the
 * runner's credentials: it is the same untrusted code), output to build.log, bounded in time,
 * and its whole process group ended on a timeout or an interrupt. Not timed as load: it runs
 * before the SUT's first start.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SutError } from '../errors.js';
import { signalTree } from '../proc/tree.js';
import { maskFile, maskSecrets } from '../secrets/mask.js';
import { readTail } from './log-tail.js';
import type { Settings } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { inheritedSutEnv } from '../secrets/collect.js';

export interface BuildOptions {
  command: string;
  /** Folder the command runs in. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** build.log goes here. */
  logDir: string;
  timeoutMs: number;
  /** What the error message calls it, e.g. "sut.build of the base checkout". */
  label: string;
  secrets?: readonly string[];
  signal?: AbortSignal | undefined;
}

/** Grace between SIGTERM and SIGKILL of a build that overran or was interrupted. */
const KILL_GRACE_MS = 3_000;

/** Runs the build; resolves with its duration, or throws a SutError with the log's last lines. */
async function runBuild(options: BuildOptions): Promise<{ durationMs: number; logFile: string }> {
  await mkdir(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, 'build.log');
  const fd = openSync(logFile, 'w');
  const started = Date.now();
  const child = spawn('sh', ['-c', options.command], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let stopped: string | undefined;
  const stop = (why: string) => {
    if (stopped !== undefined || child.pid === undefined) return;
    stopped = why;
    signalTree(child.pid, 'SIGTERM');
    setTimeout(() => child.pid !== undefined && signalTree(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  };
  const timer = setTimeout(
    () => stop(`took longer than ${options.timeoutMs / 1000}s (sut.buildTimeout)`),
    options.timeoutMs,
  );
  const onAbort = () => stop('was interrupted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    },
  ).finally(() => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  });
  // The group may outlive sh (a background child): nothing of the build runs on into the trials.
  if (child.pid !== undefined) signalTree(child.pid, 'SIGKILL');
  const durationMs = Date.now() - started;
  await maskFile(logFile, options.secrets ?? []);
  if (outcome.code === 0 && stopped === undefined) return { durationMs, logFile };
  const why =
    stopped ??
    (outcome.error
      ? `could not start: ${outcome.error.message}`
      : outcome.signal
        ? `ended on ${outcome.signal}`
        : `exited with code ${outcome.code}`);
  const tail = maskSecrets(readTail(logFile, 30), options.secrets ?? []);
  throw new SutError(
    `${options.label} ${JSON.stringify(options.command)} in ${options.cwd} ${why}; its output is in ${logFile}`,
    tail,
  );
}

/**
 * Runs `command` (default: the checkout's own sut.build) in the checkout's SUT folder, if there is
 * one to run; says what ran and how long it took. `what` names the checkout in messages.
 */
export async function prepareCheckout(
  settings: Settings,
  options: {
    command?: string | undefined;
    what: string;
    logDir: string;
    env: NodeJS.ProcessEnv;
    secrets?: readonly string[];
    signal?: AbortSignal | undefined;
    logger: Logger;
  },
): Promise<void> {
  const sut = settings.config.sut;
  const command = options.command ?? sut.build;
  if (!command) return;
  const cwd = path.resolve(settings.dir, sut.cwd);
  options.logger.info(`preparing the ${options.what}: ${command} (in ${cwd}; not timed)`);
  const { durationMs } = await runBuild({
    command,
    cwd,
    env: { ...inheritedSutEnv(sut, options.env), ...sut.env },
    logDir: options.logDir,
    timeoutMs: sut.buildTimeout,
    label: `the build of the ${options.what}`,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    signal: options.signal,
  });
  options.logger.info(`the ${options.what} is prepared after ${(durationMs / 1000).toFixed(1)}s`);
}
