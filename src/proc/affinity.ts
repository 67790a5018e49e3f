/**
 * CPU pinning for the A/B's trials (issue 18): on a machine of two or more CPUs, perfgate's
 * client runs on one CPU and the SUT's whole process tree on the others, so that neither takes
 * the other's core mid-trial. Linux only, through util-linux's `taskset` (sched_setaffinity): the
 * SUT is started under `taskset -c`, so every process it forks inherits the set; perfgate pins
 * all its own threads (`taskset -a -p`) and restores its previous set afterwards.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** "0-2,5" → [0, 1, 2, 5]; undefined when it is not a CPU list. */
export function parseCpuList(text: string): number[] | undefined {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to - from > 4096) return undefined;
    for (let c = from; c <= to; c++) cpus.push(c);
  }
  return cpus.length ? cpus : undefined;
}

export const cpuListText = (cpus: readonly number[]): string => cpus.join(',');

/** The CPUs this process may run on (/proc/self/status), or undefined off Linux. */
export function allowedCpus(statusFile = '/proc/self/status'): number[] | undefined {
  try {
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync(statusFile, 'utf8'));
    return line?.[1] ? parseCpuList(line[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuSplit {
  generator: number[];
  sut: number[];
}

/** perfgate's client on the first allowed CPU, the SUT on the rest; undefined with fewer than two. */
export function splitCpus(cpus: readonly number[] | undefined): CpuSplit | undefined {
  if (!cpus || cpus.length < 2) return undefined;
  return { generator: [cpus[0] as number], sut: cpus.slice(1) };
}

/** Sets the CPUs of every thread of `pid`; false when taskset is missing or refused (no error). */
export function pinProcess(pid: number, cpus: readonly number[]): boolean {
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpuListText(cpus), String(pid)], { stdio: 'ignore' });
  return r.status === 0;
}

/** The command line that starts `command` (a shell command) on `cpus`. */
export function pinnedCommand(cpus: readonly number[]): string[] {
  return ['taskset', '-c', cpuListText(cpus)];
}
