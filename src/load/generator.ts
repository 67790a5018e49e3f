/**
 * Watches the load generator itself. perfgate's client runs on one thread: when that thread is
 * busy nearly all the time, or its event loop lags, the measured latency includes perfgate's own
 * queueing and the throughput is perfgate's ceiling, not the SUT's.
 *
 * "Busy" is read two ways. CPU time over wall time is the classic one, but on a shared runner the
 * thread also waits for a CPU that another process holds, and that wait is not CPU time: a client
 * that always had work reads 80% while it never once waited on the network. Linux's schedstat
 * (/proc/<pid>/task/<tid>/schedstat: ns on a CPU, ns waiting on a run queue) tells the two apart,
 * so the thread counts as saturated when it was running or ready to run nearly the whole time.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ProfileResult } from '../model/result.js';
import { readSchedStat, schedShares } from '../proc/counters.js';

type Generator = NonNullable<ProfileResult['generator']>;

/** One thread near a full core: the client cannot send faster. */
const CPU_SATURATED_PERCENT = 90;
/** Running or waiting for a CPU this share of the time: the thread never idled waiting for answers. */
const RUNNABLE_SATURATED_PERCENT = 90;
/** Event-loop lag that adds visibly to sub-10 ms latencies (Clinic Doctor warns at 10 ms median). */
const ELD_SATURATED_MS = 20;

export interface GeneratorWatch {
  stop(): Generator;
}

export function watchGenerator(): GeneratorWatch {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const sched0 = readSchedStat(process.pid);
  const t0 = performance.now();
  return {
    stop() {
      eld.disable();
      const wallMs = Math.max(1, performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      const cpuPercent = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
      const p99 = eld.count ? eld.percentile(99) / 1e6 : 0;
      // The sampling timer itself adds `resolution` ms to every sample.
      const eventLoopDelayP99Ms = Math.max(0, p99 - 10);
      const sched = schedShares(sched0, readSchedStat(process.pid), wallMs);
      const evidence: string[] = [];
      if (cpuPercent >= CPU_SATURATED_PERCENT)
        evidence.push(`perfgate's client thread used ${cpuPercent.toFixed(0)}% of a core`);
      else if (sched && sched.runnablePercent >= RUNNABLE_SATURATED_PERCENT) {
        evidence.push(
          `perfgate's client thread was on a CPU or waiting for one ${sched.runnablePercent.toFixed(0)}% of the time (${(sched.runnablePercent - sched.queuedPercent).toFixed(0)}% running, ${sched.queuedPercent.toFixed(0)}% queued behind other processes): it never waited for the SUT`,
        );
      }
      if (eventLoopDelayP99Ms >= ELD_SATURATED_MS)
        evidence.push(`perfgate's event loop lagged ${eventLoopDelayP99Ms.toFixed(1)} ms at p99`);
      return {
        cpuPercent,
        ...(sched && { runnablePercent: sched.runnablePercent, runQueuePercent: sched.queuedPercent }),
        eventLoopDelayP99Ms,
        saturated: evidence.length > 0,
        evidence,
      };
    },
  };
}
