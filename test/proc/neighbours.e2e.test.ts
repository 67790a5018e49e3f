/**
 * The CPU of processes other than the SUT and perfgate: a busy process beside an idle SUT shows
 * as a neighbour, and the same process counted as the SUT does not.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { watchNeighbours } from '../../src/proc/neighbours.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process that spins for `ms`, then exits; ended by PID in any case. */
async function withSpinner<T>(ms: number, fn: (pid: number) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end);`], {
    stdio: 'ignore',
  });
  try {
    return await fn(child.pid ?? -1);
  } finally {
    child.kill('SIGKILL');
  }
}

describe('neighbour CPU', () => {
  it('counts a busy process that is neither the SUT nor perfgate', async () => {
    const others = await withSpinner(3000, async () => {
      await sleep(200);
      const watch = watchNeighbours(() => []);
      await sleep(1000);
      return watch.stop();
    });
    // One spinning process is one core; another test may compete for the second core.
    expect(others).toBeGreaterThan(40);
  });

  it('does not count the SUT’s own processes', async () => {
    const { asSut, asOther } = await withSpinner(3000, async (pid) => {
      await sleep(200);
      const sut = watchNeighbours(() => [pid]);
      const other = watchNeighbours(() => []);
      await sleep(1000);
      return { asSut: sut.stop(), asOther: other.stop() };
    });
    expect(asOther - asSut).toBeGreaterThan(40);
  });
});
