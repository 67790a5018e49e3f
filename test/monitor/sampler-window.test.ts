/** A window inside a running sampler (a stress step's own resources), read from this process's /proc. */
import { describe, expect, it } from 'vitest';
import { resourceSummarySchema } from '../../src/model/monitor.js';
import { ResourceSampler } from '../../src/monitor/sampler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ResourceSampler.since', () => {
  it('sums up only the samples after the mark, on their own clock, while sampling goes on', async () => {
    const sampler = new ResourceSampler(() => [process.pid], 10);
    sampler.start();
    // Time, not an event, is what the sampler needs: a few of its 10 ms intervals each side.
    await sleep(60);
    const mark = sampler.mark();
    await sleep(60);
    const window = sampler.since(mark);
    await sleep(30);
    const whole = sampler.stop();
    expect(window?.samples.length).toBeGreaterThan(1);
    expect(window?.samples.length).toBeLessThan(whole.samples.length);
    expect(window?.samples[0]?.t).toBeGreaterThan(0);
    expect(window?.samples.at(-1)?.t).toBeLessThan(0.5);
    expect(window?.summary.cpuPercentMean).toBeGreaterThanOrEqual(0);
    expect(window && resourceSummarySchema.strict().parse(window.summary)).toEqual(window?.summary);
  });

  it('reads nothing, not an idle SUT, when there is no process to sample', () => {
    const sampler = new ResourceSampler(() => [], 10);
    sampler.start();
    const window = sampler.since(sampler.mark());
    sampler.stop();
    expect(window).toBeUndefined();
  });
});
