/**
 * The load generator's self-watch on its own thread: a thread that always has work counts as
 * saturated, also when it shares its core (schedstat's run-queue time), and one that waits does not.
 */
import { describe, expect, it } from 'vitest';
import { watchGenerator } from '../../src/load/generator.js';
import { readSchedStat, schedShares } from '../../src/proc/counters.js';

describe('watchGenerator', () => {
  it('calls a thread that never waits saturated, and says how much of that time it ran', () => {
    const watch = watchGenerator();
    const until = performance.now() + 400;
    while (performance.now() < until) Math.sqrt(Math.random()); // always runnable, never idle
    const g = watch.stop();
    expect(g.saturated).toBe(true);
    if (readSchedStat(process.pid)) {
      // Running plus queued covers the wall time, whatever share another process took.
      expect(g.runnablePercent).toBeGreaterThan(90);
      expect(g.runQueuePercent).toBeGreaterThanOrEqual(0);
    }
    expect(g.evidence.join(' ')).toMatch(
      /perfgate's client thread (used \d+% of a core|was on a CPU or waiting for one \d+% of the time)/,
    );
  });

  it('does not call a thread that waits for answers saturated', async () => {
    const watch = watchGenerator();
    await new Promise((r) => setTimeout(r, 400));
    const g = watch.stop();
    expect(g.saturated).toBe(false);
    expect(g.cpuPercent).toBeLessThan(50);
    if (readSchedStat(process.pid)) expect(g.runnablePercent).toBeLessThan(50);
  });

  it('reads schedstat as nanoseconds on a CPU and in the run queue', () => {
    const s = readSchedStat(process.pid);
    if (!s) return expect(readSchedStat(process.pid, 0)).toBeUndefined(); // not Linux: no file, no value
    expect(s.runNs).toBeGreaterThan(0);
    expect(s.waitNs).toBeGreaterThanOrEqual(0);
    expect(readSchedStat(2 ** 22 + 1)).toBeUndefined(); // no such process
  });

  it('turns two readings into shares of the wall time, and refuses a reused PID or a missing reading', () => {
    // 1 s of wall time: 0.6 s on a CPU, 0.3 s queued.
    expect(schedShares({ runNs: 1e9, waitNs: 0 }, { runNs: 1.6e9, waitNs: 0.3e9 }, 1000)).toEqual({
      runnablePercent: 90,
      queuedPercent: 30,
    });
    expect(schedShares({ runNs: 0, waitNs: 0 }, { runNs: 0.8e9, waitNs: 0.4e9 }, 1000)?.runnablePercent).toBe(100);
    expect(schedShares({ runNs: 5e9, waitNs: 0 }, { runNs: 1e9, waitNs: 0 }, 1000)).toBeUndefined();
    expect(schedShares(undefined, { runNs: 1, waitNs: 0 }, 1000)).toBeUndefined();
  });
});
