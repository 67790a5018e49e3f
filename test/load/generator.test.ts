/**
 * The load generator's self-watch on its own thread: a thread that always has work counts as
 * saturated, also when it shares its core (schedstat's run-queue time), and one that waits does not.
 */
import { describe, expect, it } from 'vitest';
import { watchGenerator } from '../../src/load/generator.js';
import { readSchedStat } from '../../src/monitor/proc.js';

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
    expect(g.evidence.join(' ')).toMatch(/perfgate's client thread (used \d+% of a core|was on a CPU or waiting for one \d+% of the time)/);
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
});
