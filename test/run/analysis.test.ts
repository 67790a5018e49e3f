import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/analyze/index.js';
import { RULES } from '../../src/analyze/bottlenecks.js';
import { profile } from '../helpers/results.js';

const saturated = profile('api', {
  generator: {
    cpuPercent: 98,
    eventLoopDelayP99Ms: 30,
    saturated: true,
    evidence: ["perfgate's client thread was 98% busy"],
  },
  errors: {
    total: 200,
    byClass: { '4xx': 0, '5xx': 0, timeout: 0, refused: 150, reset: 50, check: 0, other: 0 },
    byStatus: {},
    samples: [],
  },
});

describe('the analysis stage', () => {
  it('judges the load generator and connection errors even when the monitor was off, and says what was not measured', () => {
    const a = analyzeRun({
      profiles: [saturated],
      configs: [],
      hygiene: new Map(),
      unmonitored: 'monitor.enabled is false',
    });
    expect(a.bottlenecks.map((b) => b.kind).sort()).toEqual(['load-generator', 'network']);
    expect(a.notices).toEqual([
      expect.stringMatching(/^monitor\.enabled is false: CPU, event loop, memory, I\/O and database were not measured/),
    ]);
  });

  it('stops at its time budget instead of finding out afterwards, and says the findings are incomplete', () => {
    let t = 0;
    // Every look at the clock is one minute later: the budget of 5 minutes runs out during the rules.
    const a = analyzeRun(
      { profiles: [saturated, { ...saturated, name: 'b' }], configs: [], hygiene: new Map() },
      { now: () => (t += 60_000) },
    );
    expect(a.notices).toEqual([
      expect.stringMatching(/^bottleneck identification stopped at its 300s budget after 5 of 14 rule checks/),
    ]);
    expect(RULES).toHaveLength(7);
    expect(a.bottlenecks.map((b) => b.kind)).toEqual(['load-generator']);
  });

  it('finishes without a notice within its budget', () => {
    const a = analyzeRun({ profiles: [saturated], configs: [], hygiene: new Map() });
    expect(a.notices).toEqual([]);
    expect(a.suggestions.some((s) => s.category === 'config')).toBe(true);
  });
});
