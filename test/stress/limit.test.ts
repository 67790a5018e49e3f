/** What limited each step of a ramp, from fixed numbers: the bottleneck rules applied to one step. */
import { describe, expect, it } from 'vitest';
import { emptyMeasurement } from '../../src/load/empty.js';
import type { LoadMeasurement } from '../../src/load/types.js';
import type { Resources, ResourceSummary } from '../../src/model/monitor.js';
import type { StressResult } from '../../src/model/stress.js';
import { classifyStepLimit, describeFirstLimit, type StepLimit } from '../../src/stress/limit.js';

const ctx = { loopbackTarget: true };

/** A 2 s step at 3000 req/s, all answered. */
const measurement = (generator?: Partial<NonNullable<LoadMeasurement['generator']>>): LoadMeasurement => ({
  ...emptyMeasurement(),
  startedAt: '2025-01-01T00:00:00Z',
  durationSec: 2,
  requests: { total: 6000, ok: 6000, dropped: 0 },
  throughput: { rps: 3000, bytesPerSec: 300_000 },
  latency: { min: 0.2, mean: 1, stdev: 0.5, p50: 0.9, p90: 1.5, p99: 3, p999: 5, max: 9 },
  ...(generator
    ? { generator: { cpuPercent: 40, eventLoopDelayP99Ms: 2, saturated: false, evidence: [], ...generator } }
    : {}),
});

/** Twenty samples 100 ms apart at a flat CPU and RSS, and the summary given. */
const resources = (cpuPercent: number, summary: ResourceSummary = {}, n = 20): Resources => ({
  samples: Array.from({ length: n }, (_, i) => ({ t: (i + 1) / 10, cpuPercent, rssBytes: 80 * 1024 * 1024 })),
  summary: { cores: 2, cpuPercentMedian: cpuPercent, cpuPercentP90: cpuPercent, ...summary },
});

describe('classifyStepLimit', () => {
  it('names perfgate’s own client first when it was saturated, even beside a busy SUT', () => {
    const limit = classifyStepLimit(
      {
        measurement: measurement({
          cpuPercent: 97,
          saturated: true,
          evidence: ["perfgate's client thread used 97% of a core"],
        }),
        resources: resources(196),
      },
      ctx,
    );
    expect(limit.resource).toBe('load-generator');
    expect(limit.evidence).toContain('97% of a core');
  });

  it('names the SUT’s CPU with its share of a core', () => {
    const limit = classifyStepLimit({ measurement: measurement({}), resources: resources(196) }, ctx);
    expect(limit).toMatchObject({ resource: 'cpu' });
    expect(limit.evidence).toMatch(/^the SUT used 196% of a core \(median of 20 samples/);
  });

  it('names the event loop when it is held while the CPU idles', () => {
    const limit = classifyStepLimit(
      {
        measurement: measurement({}),
        resources: resources(30, { eventLoopDelayP50Ms: 40, eventLoopDelayMaxMs: 180, eventLoopUtilization: 0.95 }),
      },
      ctx,
    );
    expect(limit.resource).toBe('event-loop');
    expect(limit.evidence).toContain('median 40.0 ms');
  });

  it('says none, with the readings, when every resource stayed under its threshold', () => {
    const limit = classifyStepLimit(
      { measurement: measurement({}), resources: resources(35, { eventLoopDelayP50Ms: 1.2 }) },
      ctx,
    );
    expect(limit).toEqual({
      resource: 'none',
      evidence:
        "no measured resource reached its limit (the SUT used 35% of a core, event-loop delay median 1.2 ms, perfgate's client 40% of a core)",
    });
  });

  it.each([
    ['no samples of the SUT', undefined, /were not sampled/],
    ['a single sample', resources(99, {}, 1), /1 sample\(s\) of the SUT during the step: too few/],
  ])('says not measured, never guesses, with %s', (_what, sampled, evidence) => {
    const limit = classifyStepLimit({ measurement: measurement({}), resources: sampled }, ctx);
    expect(limit.resource).toBe('not measured');
    expect(limit.evidence).toMatch(evidence);
  });

  it('still names what the client measured without SUT samples: refused connections are the network', () => {
    const m = measurement({});
    m.errors = { ...m.errors, total: 600, byClass: { ...m.errors.byClass, refused: 600 } };
    expect(classifyStepLimit({ measurement: m, resources: undefined }, ctx).resource).toBe('network');
  });
});

describe('describeFirstLimit', () => {
  const step = (offered: number, limitedBy?: StepLimit): StressResult['steps'][number] => ({
    offered,
    achievedRps: offered,
    p50: 1,
    p99: 2,
    errorRate: 0,
    metSlo: true,
    ...(limitedBy ? { limitedBy } : {}),
  });

  it('names the first step whose limit was reached, with its load and evidence', () => {
    expect(
      describeFirstLimit([
        step(1000, { resource: 'none', evidence: '' }),
        step(3000, { resource: 'cpu', evidence: 'the SUT used 196% of a core' }),
        step(4000, { resource: 'load-generator', evidence: 'client 97%' }),
      ]),
    ).toBe('First limit reached: cpu at 3000 req/s offered — the SUT used 196% of a core');
  });

  it.each([
    [[step(100, { resource: 'not measured', evidence: '' }), step(200)], 'The limiting resource was not measured'],
    [
      [step(100, { resource: 'none', evidence: '' }), step(200, { resource: 'not measured', evidence: '' })],
      'No measured resource reached its limit in any step (the limit may be inside the SUT: a pool, a lock, a fixed concurrency)',
    ],
    [[], undefined],
  ])('%#: says so when no step named a resource', (steps, words) => {
    expect(describeFirstLimit(steps)).toBe(words);
  });
});
