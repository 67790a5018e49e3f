import type { SutConfig } from '../config/schema.js';
import type { LeftoverListener } from './leftover.js';

export interface SutExit {
  code: number | null;
  signal: string | null;
  /** ms since the SUT was started. */
  atMs: number;
}

export interface StartSutOptions {
  config: SutConfig;
  /** Folder of perfgate.yml: `cwd` resolves against it. */
  dir: string;
  /** Where the SUT's stdout+stderr log goes (a file in this folder). */
  logDir: string;
  /** Extra environment for the SUT, merged over config.env (e.g. NODE_OPTIONS for the monitor probe). */
  extraEnv?: Record<string, string>;
  /** The environment the SUT inherits under config.env: an allow-list of perfgate's (src/secrets/collect.ts). */
  inheritedEnv: NodeJS.ProcessEnv;
  /** Values masked in the SUT's log tail wherever perfgate shows it. */
  secrets?: readonly string[];
  signal?: AbortSignal;
  /** Start the SUT's process tree on these CPUs only (taskset; the A/B's pinning). */
  cpus?: readonly number[];
  /**
   * Called once the SUT was stopped if its port still listens on loopback: a process that left
   * the SUT's group (a daemon) holds it, and perfgate leaves it running.
   */
  onLeftover?: (leftover: LeftoverListener) => void;
}

/** A started (and ready) system under test, or one that was already running (no command). */
export interface SutHandle {
  url: string;
  /** PID of the process-group leader (`sh -c …`); undefined for an external server. */
  pid: number | undefined;
  startupMs: number | undefined;
  logFile: string | undefined;
  /** The exit, if the SUT has exited on its own (a crash); undefined while it runs. */
  exit(): SutExit | undefined;
  /** Resolves when the SUT exits on its own before stop() was called. */
  readonly exited: Promise<SutExit>;
  /** Last lines of the SUT's output. */
  logTail(lines?: number): string;
  /** All PIDs of the SUT's process tree right now (for the monitor). */
  pids(): number[];
  /** SIGTERM the process group, wait the grace period, SIGKILL what is left. Idempotent. */
  stop(): Promise<void>;
}
