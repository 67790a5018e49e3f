/**
 * What the machine lets one perfgate process open. Every connection (closed model) and every
 * request in flight (open model) is a socket, so a file descriptor: past `ulimit -n` the run
 * failed at run time with EMFILE, counted thousands of `other` errors and ended `pass` (issue 17),
 * and `connections: 20000` ran 45 s on a 2 s profile (issue 15, case 10). Settings past the limit
 * are refused before the SUT starts, naming the field; defaults are capped to it.
 */
import type { ProfileConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { openFileLimit } from '../proc/snapshot.js';

/** Descriptors kept for everything else: the SUT's pipes, sut.log, outputs, /proc reads, the monitor's sockets. */
const RESERVED_FDS = 256;

/** Sockets the load may open at once in this process (Infinity where the limit is unknown). */
export function socketBudget(limit = openFileLimit('self')): number {
  return Math.max(1, limit - RESERVED_FDS);
}

/** The profile fields that ask for more sockets than `limit` (`ulimit -n`) leaves, each as a message naming the field. */
export function socketLimitProblems(profiles: readonly ProfileConfig[], limit = openFileLimit('self')): string[] {
  const budget = socketBudget(limit);
  const problems: string[] = [];
  const check = (field: string, wanted: number | undefined, what: string) => {
    if (wanted === undefined || wanted <= budget) return;
    problems.push(
      `${field}: ${wanted} ${what} need ${wanted} open sockets, but this process may open ${limit} files (ulimit -n) and perfgate keeps ${RESERVED_FDS} for itself; lower it to at most ${budget}, or raise the limit (ulimit -n) before starting perfgate`,
    );
  };
  profiles.forEach((p, i) => {
    const at = `profiles[${i}] (${p.name})`;
    if (p.kind === 'load') {
      check(`${at}.connections`, p.connections, 'connections');
      // Open model: arrivals past maxConnections wait for a connection, so only the pool needs sockets.
      check(`${at}.maxConnections`, p.maxConnections, 'connections');
    } else if (p.kind === 'stress') {
      check(`${at}.connections.max`, p.connections?.max, 'connections');
    }
  });
  return problems;
}

/** Throws a ConfigError (exit 2) when a profile asks for more sockets than the machine allows. */
export function assertSocketLimits(profiles: readonly ProfileConfig[]): void {
  const problems = socketLimitProblems(profiles);
  if (problems.length) throw new ConfigError(problems.join('\n'));
}
