/**
 * The process behind a server perfgate did not start (`sut.url` without `sut.command`, e.g. a
 * server booted by an earlier workflow step or docker compose on the same machine): the
 * listening socket's inode from /proc/net/tcp and tcp6, then the process whose /proc/<pid>/fd
 * links to `socket:[inode]`. Read-only, Linux only, and only processes this user may read (or
 * all, as root); no tool does this without a dependency on `ss`/`lsof`, which the runner image
 * need not have.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { readProcFile as read } from './read.js';

const LISTEN = '0A';

/** Inodes of the sockets listening on `port` (any address) in a /proc/net/tcp-format table. */
export function listeningInodes(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (!local || f[3] !== LISTEN || local.slice(local.lastIndexOf(':') + 1) !== hexPort) continue;
    const inode = f[9];
    if (inode && inode !== '0') out.push(inode);
  }
  return out;
}

export interface Listener {
  /** Processes that hold a listening socket of the port (a cluster's workers share it), perfgate's own excluded. */
  pids: number[];
  /** Whether anything listens on the port at all (pids may be empty when it is another user's process). */
  listening: boolean;
  /** perfgate's own process holds it (a server inside the test harness): nothing to sample. */
  self: boolean;
}

export function findListener(port: number, self = process.pid): Listener {
  const inodes = new Set(
    [...listeningInodes(read('/proc/net/tcp'), port), ...listeningInodes(read('/proc/net/tcp6'), port)].map(
      (i) => `socket:[${i}]`,
    ),
  );
  if (inodes.size === 0) return { pids: [], listening: false, self: false };
  let all: string[];
  try {
    all = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return { pids: [], listening: true, self: false };
  }
  const pids: number[] = [];
  let held = false;
  for (const pid of all) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    if (
      fds.some((fd) => {
        try {
          return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
        } catch {
          return false; // closed meanwhile
        }
      })
    ) {
      if (Number(pid) === self)
        held = true; // perfgate's own process is never the SUT
      else pids.push(Number(pid));
    }
  }
  return { pids, listening: true, self: held };
}

/** The command line of a process as `ps` shows it (arguments joined by spaces), or undefined when it is gone or not ours. */
export function commandLineOf(pid: number): string | undefined {
  const raw = read(`/proc/${pid}/cmdline`);
  const text = raw.split('\0').filter(Boolean).join(' ');
  return text || undefined;
}
