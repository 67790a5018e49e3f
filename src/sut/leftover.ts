/**
 * After the SUT is stopped: is its port still listening on loopback? A SUT that daemonizes
 * (`setsid … &`, a double fork, `pm2 start`, `redis-server --daemonize yes`) hands its server to
 * a process outside the group perfgate started, so neither the stop nor the watchdog reaches
 * it, and the next run (or the next step of the job) finds the port taken. perfgate never kills
 * a process it did not start as a child: it names the process that holds the port instead.
 */
import { commandLineOf, findListener } from '../proc/listener.js';
import { maskSecrets } from '../secrets/mask.js';
import { candidateHosts, isPortOpen, portOf } from './readiness.js';
import { isLoopbackAddress } from './target.js';

export interface LeftoverListener {
  port: number;
  /** The processes holding the listening socket, when /proc shows them (Linux, same user or root). */
  holders: { pid: number; command: string | undefined }[];
}

/** The listener left on the port of `sutUrl` after a stop, or undefined when the port is free (or not on loopback). */
export async function findLeftoverListener(
  sutUrl: string,
  secrets: readonly string[],
): Promise<LeftoverListener | undefined> {
  const url = new URL(sutUrl);
  const hosts = candidateHosts(url).filter(isLoopbackAddress);
  if (!hosts.length) return undefined;
  const port = portOf(url);
  let open = false;
  for (const host of hosts) if (await isPortOpen(host, port)) open = true;
  if (!open) return undefined;
  const found = findListener(port);
  // Held by perfgate's own process (a server inside a test harness): not the SUT's.
  if (found.self && !found.pids.length) return undefined;
  const holders = found.pids.map((pid) => {
    const command = commandLineOf(pid);
    return { pid, command: command === undefined ? undefined : maskSecrets(truncate(command, 200), secrets) };
  });
  return { port, holders };
}

/** The warning and notice for a leftover listener. */
export function describeLeftover(leftover: LeftoverListener): string {
  const who = leftover.holders.length
    ? leftover.holders.map((h) => `PID ${h.pid}${h.command ? ` (${h.command})` : ''}`).join(', ')
    : 'a process /proc does not show (another user, or not Linux)';
  return (
    `port ${leftover.port} is still listening after the SUT was stopped, held by ${who}: ` +
    `perfgate did not start it as a child (the SUT daemonized or handed its port on), so it left it running, ` +
    `as it never kills a process it did not start; stop it yourself, or run the server in the foreground of sut.command`
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
