/**
 * A watchdog for the SUT's process group, so that a perfgate killed by SIGKILL (or the OOM
 * killer) does not leave the SUT holding its port: perfgate's exit hook and stop() never run
 * then. The watchdog is a second, tiny Node process started before the SUT, in a session of its
 * own (so a kill of perfgate's process group does not take it along), whose stdin is a pipe from
 * perfgate. The kernel closes that pipe however perfgate ends; on end of input the watchdog
 * sends SIGTERM to the group it was told about, waits the SUT's stopTimeout, sends SIGKILL to
 * what is left and exits. On a normal teardown perfgate stops the SUT itself, writes `release`
 * and the watchdog exits without signalling anything.
 *
 * Why not the alternatives: PR_SET_PDEATHSIG is not reachable from Node without a native addon
 * and covers only the direct child (`sh`), not the server it starts; a PID file cleaned at the
 * next start does nothing on a CI runner whose next step is not perfgate; a supervisor between
 * perfgate and the SUT would take over the SUT's exit status and output, which perfgate reads
 * directly today.
 *
 * It signals only the group perfgate created (by PGID, never by name or port): a group's ID
 * cannot be reused while any member lives, so the signal reaches either the SUT or nobody. A
 * process that left the group (setsid, a daemon) escapes it, as it escapes a normal stop; the
 * port check after the stop (leftover.ts) reports such a process.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The watchdog's program, run with `node -e`. dist/ is one esbuild bundle per front door, so a
 * script file would need its own build step and a path beside the bundle; a string survives
 * bundling as is (a function's toString() would not: minifying with keepNames inserts calls to
 * esbuild's `__name` helper into its body). Plain CommonJS, no imports: Node 20 and 24 run it alike.
 * Input, one line each: `watch <pgid> <graceMs>`, then `release` on a normal teardown.
 */
const WATCHDOG_SOURCE = `
process.title = 'perfgate-watchdog';
let input = '';
let ending = false;
// A group of zombies (not yet reaped by init) still answers: then it waits out the grace.
const alive = (g) => { try { process.kill(-g, 0); return true; } catch { return false; } };
function end() {
  if (ending) return;
  ending = true;
  const w = /^watch (\\d+) (\\d+)$/m.exec(input);
  if (!w || /^release$/m.test(input)) process.exit(0);
  const group = Number(w[1]);
  // Never 0 (own group) or 1 (kill(-1) is every process the user may signal).
  if (!(group > 1)) process.exit(0);
  try { process.kill(-group, 'SIGTERM'); } catch { process.exit(0); }
  const deadline = Date.now() + Number(w[2]);
  setInterval(() => {
    if (!alive(group)) process.exit(0);
    if (Date.now() < deadline) return;
    try { process.kill(-group, 'SIGKILL'); } catch {}
    process.exit(0);
  }, 50);
}
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', end);
process.stdin.on('error', end);
// Told to stop (a runner ending every process of the job): nothing would guard the SUT after it.
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, end);
`;

export interface Watchdog {
  /** PID of the watchdog process; undefined when it could not be started. */
  readonly pid: number | undefined;
  /** Arms it: on perfgate's death, SIGTERM group `pgid`, wait `graceMs`, SIGKILL. */
  watch(pgid: number, graceMs: number): void;
  /** Disarms it and closes its input; it exits without signalling. Synchronous (safe in an exit hook). */
  release(): void;
  /** Resolves when the watchdog has exited (at most `timeoutMs` later). */
  exited(timeoutMs?: number): Promise<void>;
}

/** Starts a watchdog. It keeps no reference on perfgate's event loop and inherits no environment. */
export function startWatchdog(): Watchdog {
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], {
      // Its own session: a signal or a kill to perfgate's process group does not reach it.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      // No secrets and no NODE_OPTIONS (a --require of perfgate's would load into it).
      env: {},
    });
  } catch {
    return unguarded;
  }
  // A failed spawn is reported by an 'error' event, and a watchdog that died leaves a pipe that
  // fails on write (EPIPE): without listeners either would crash perfgate. Nothing to guard then.
  child.on('error', () => {});
  child.stdin?.on('error', () => {});
  if (!child.pid) return unguarded;
  const proc = child;
  proc.unref();
  const gone = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
  const send = (line: string) => {
    if (proc.stdin?.writable) proc.stdin.write(line + '\n');
  };
  return {
    pid: proc.pid,
    watch: (pgid, graceMs) => send(`watch ${pgid} ${Math.max(0, Math.round(graceMs))}`),
    release: () => {
      send('release');
      proc.stdin?.end();
    },
    // The timer is what keeps perfgate's event loop alive meanwhile (the child is unref'd): an
    // unref'd one let an interrupted run drain its loop here and exit 0 before its verdict.
    exited: async (timeoutMs = 1000) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([gone, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    },
  };
}

const unguarded: Watchdog = {
  pid: undefined,
  watch: () => {},
  release: () => {},
  exited: async () => {},
};
