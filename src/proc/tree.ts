/**
 * Process-tree bookkeeping on Linux through /proc. `npm start` runs sh, which runs node: killing
 * the PID of sh leaves node behind, so perfgate starts the SUT in its own process group, signals
 * the group, and also walks the parent links for children that left the group (setsid).
 * Written by hand: no maintained npm package reads pgrp and state together without spawning `ps`.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
}

function readProcTable(): ProcEntry[] | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const out: ProcEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), state: rest[0] ?? '?', ppid: Number(rest[1]), pgrp: Number(rest[2]) });
    } catch {
      // The process ended while we read the table.
    }
  }
  return out;
}

/** Live (non-zombie) PIDs in process group `pgid` or descending from `rootPid`. */
export function treePids(rootPid: number): number[] {
  const table = readProcTable();
  if (!table) return isAlive(rootPid) ? [rootPid] : [];
  const live = table.filter((p) => p.state !== 'Z');
  const found = new Set<number>(live.filter((p) => p.pgrp === rootPid || p.pid === rootPid).map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of live) {
      if (!found.has(p.pid) && (found.has(p.ppid) || p.ppid === rootPid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** Start time of a process (clock ticks since boot, /proc/PID/stat field 22): tells a reused PID apart. */
function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Remembers the processes of a tree with their start times, so that only those are signalled later. */
export class TreeMemory {
  private readonly seen = new Map<number, string | undefined>();
  constructor(private readonly rootPid: number) {}
  refresh(): void {
    for (const pid of treePids(this.rootPid)) if (!this.seen.has(pid)) this.seen.set(pid, procStartTime(pid));
  }
  /** Remembered processes that are still the same process and still live. */
  live(): number[] {
    this.refresh();
    return [...this.seen]
      .filter(([pid, start]) => isLiveProcess(pid) && procStartTime(pid) === start)
      .map(([pid]) => pid);
  }
}

/** True while `pid` exists and is not a zombie (a zombie holds no resources, only an exit status). */
function isLiveProcess(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? false : isAlive(pid);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to the group and to every PID of the tree; ignores processes already gone. */
export function signalTree(rootPid: number, signal: NodeJS.Signals, known: readonly number[] = []): void {
  const pids = new Set([...treePids(rootPid), ...known]);
  try {
    process.kill(-rootPid, signal);
  } catch {
    // No process left in the group.
  }
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
