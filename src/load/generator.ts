/**
 * Watches the load generator itself. perfgate's client runs on one thread: when that thread is
 * busy nearly all the time, or its event loop lags, the measured latency includes perfgate's own
 * queueing and the throughput is perfgate's ceiling, not the SUT's.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ProfileResult } from '../model.js';

type Generator = NonNullable<ProfileResult['generator']>;

/** One thread near a full core: the client cannot send faster. */
const CPU_SATURATED_PERCENT = 90;
/** Event-loop lag that adds visibly to sub-10 ms latencies (Clinic Doctor warns at 10 ms median). */
const ELD_SATURATED_MS = 20;

export interface GeneratorWatch {
  stop(): Generator;
}

export function watchGenerator(): GeneratorWatch {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const cpu0 = process.cpuUsage();
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
      const evidence: string[] = [];
      if (cpuPercent >= CPU_SATURATED_PERCENT) evidence.push(`perfgate's client thread used ${cpuPercent.toFixed(0)}% of a core`);
      if (eventLoopDelayP99Ms >= ELD_SATURATED_MS) evidence.push(`perfgate's event loop lagged ${eventLoopDelayP99Ms.toFixed(1)} ms at p99`);
      return { cpuPercent, eventLoopDelayP99Ms, saturated: evidence.length > 0, evidence };
    },
  };
}
