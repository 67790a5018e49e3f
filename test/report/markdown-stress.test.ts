/** The stress section of the markdown report: each step's limit, and the first one in the breaking-point sentence. */
import { describe, expect, it } from 'vitest';
import { emptyMeasurement } from '../../src/load/empty.js';
import type { ProfileResult } from '../../src/model/result.js';
import { stressSection } from '../../src/report/markdown-stress.js';

const step = (offered: number, metSlo: boolean, limitedBy: { resource: 'none' | 'cpu'; evidence: string }) => ({
  offered,
  achievedRps: Math.min(offered, 2900),
  p50: 1,
  p99: metSlo ? 5 : 400,
  errorRate: 0,
  metSlo,
  limitedBy,
});

const profile: ProfileResult = {
  ...emptyMeasurement(),
  name: 'ramp',
  kind: 'stress',
  status: 'pass',
  reasons: [],
  startedAt: '2025-01-01T00:00:00Z',
  slo: { pass: true, checks: [] },
  stress: {
    maxSustainableRps: 2000,
    breakingPoint: { step: 1, offered: 3000, reason: 'slo', detail: 'SLO broken at 3000 req/s offered' },
    steps: [
      step(2000, true, { resource: 'none', evidence: 'no measured resource reached its limit' }),
      step(3000, false, { resource: 'cpu', evidence: 'the SUT used 196% of a core' }),
    ],
    recovery: null,
    exhaustion: [],
  },
};

describe('stressSection', () => {
  const text = stressSection(profile).join('\n');

  it('adds the first limit reached to the breaking-point sentence', () => {
    expect(text).toContain(
      'Stopped by **slo**: SLO broken at 3000 req/s offered. First limit reached: cpu at 3000 req/s offered — the SUT used 196% of a core.',
    );
  });

  it('names the limit of every step in the table', () => {
    const rows = text.split('\n').filter((l) => /^\| +\d/.test(l));
    expect(rows.map((r) => r.split('|').at(-2)?.trim())).toEqual(['none', 'cpu']);
  });
});
