/**
 * CPU that processes other than the SUT and perfgate used on this machine over a window: the
 * machine's busy time (/proc/stat, idle and iowait excluded) less perfgate's own CPU and the SUT
 * tree's. On a shared runner "another job was loading the machine" is otherwise invisible in an
 * A/B's noise (issue 18); with it, each trial says how much CPU it had to share.
 */
import { readSystem, readTree, ticksToMs } from './counters.js';

export interface NeighbourWatch {
  /** CPU the other processes used over the window, as % of one core (0 when nothing else ran). */
  stop(): number;
}

export function watchNeighbours(sutPids: () => readonly number[]): NeighbourWatch {
  const sys0 = readSystem();
  const self0 = process.cpuUsage();
  const tree0 = readTree(sutPids()).cpuTicks;
  const t0 = performance.now();
  return {
    stop() {
      const sys = readSystem();
      const wallMs = Math.max(1, performance.now() - t0);
      const busy = sys.total - sys.idle - sys.iowait - (sys0.total - sys0.idle - sys0.iowait);
      const self = process.cpuUsage(self0);
      const selfMs = (self.user + self.system) / 1000;
      // A SUT process that exited during the window takes its ticks with it: never below zero.
      const sutMs = ticksToMs(Math.max(0, readTree(sutPids()).cpuTicks - tree0));
      const othersMs = Math.max(0, ticksToMs(busy) - selfMs - sutMs);
      return (othersMs / wallMs) * 100;
    },
  };
}
