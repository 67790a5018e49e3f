import { describe, expect, it } from 'vitest';
import { designSentence } from '../../src/compare/format.js';
import { comparePaired } from '../../src/compare/paired.js';
import type { Comparison } from '../../src/model/compare.js';
import { simulatePairs } from '../helpers/ab-simulation.js';

const comparison = (design: Comparison['design']): Comparison => ({ method: 'ab', metrics: [], warnings: [], design });

describe("an A/B's design line", () => {
  it('says how the warm-ups went, and how many reached the cap unsettled', () => {
    const auto = { mode: 'auto', medianMs: 1000, maxMs: 2500, capMs: 5000, trials: 48 } as const;
    const base = { seed: 7, order: 'bhhb', loadSeconds: 146 };
    expect(designSentence(comparison({ ...base, warmup: { ...auto, unsteady: 0 } }))).toBe(
      'Trial order bhhb (b = base, h = head) from seed 7 (--seed replays it); 146s of load. Warm-up until steady: 1s in the median trial, 2.5s at most.',
    );
    expect(designSentence(comparison({ ...base, warmup: { ...auto, unsteady: 2 } }))).toMatch(
      /2 of 48 trials reached the 5s cap unsettled \(a JIT, cache or GC still changing: their numbers mix warm and cold\)\.$/,
    );
    expect(designSentence(comparison({ ...base, warmup: { mode: 'fixed', ms: 2000 } }))).toMatch(
      /Warm-up 2s per trial \(fixed\)\.$/,
    );
  });

  it('says why a sequential A/B stopped early, and that its MDE may read n/a', () => {
    const base = { seed: 7, order: 'bh'.repeat(8), loadSeconds: 48 };
    const early = { looks: [8, 16, 24, 32], pairsRun: 8, alpha: 2.77e-7, minEffect: 0.02 };
    expect(designSentence(comparison({ ...base, sequential: early }))).toMatch(
      /Sequential: 8 pairs of at most 32 \(looks at 8, 16, 24, 32\), verdicts at alpha 2\.8e-7: stopped early, every gated metric decided \(flagged, or its interval inside ±2\.0 %\); an MDE reads n\/a where so early a look's alpha leaves nothing detectable\.$/,
    );
    expect(designSentence(comparison({ ...base, sequential: { ...early, pairsRun: 32, alpha: 0.0073 } }))).toMatch(
      /Sequential: 32 pairs of at most 32 \(looks at 8, 16, 24, 32\), verdicts at alpha 0\.0073\.$/,
    );
    // The first look of the default design spends no alpha (7 pairs cannot reach any): it stops only on a clear "no change".
    const first = { looks: [7, 14, 21, 28, 35], pairsRun: 7, alpha: 0, minEffect: 0.02 };
    expect(designSentence(comparison({ ...base, sequential: first }))).toMatch(
      /Sequential: 7 pairs of at most 35 \(looks at 7, 14, 21, 28, 35\), a look that flags nothing \(7 pairs cannot reach significance; its alpha carries to the next look\): stopped early, every gated metric's interval inside ±2\.0 %; an MDE reads n\/a where so early a look's alpha leaves nothing detectable\.$/,
    );
  });
});

describe('the warnings of an early look', () => {
  it('leaves out what the tiny alpha of an early look makes certain, and keeps it otherwise', () => {
    const pairs = { api: simulatePairs(1, 8, 0) };
    const options = { alpha: 2.77e-7, minEffect: 0.02, gates: {} };
    expect(comparePaired(pairs, { ...options, earlyLook: true }).warnings).toEqual([]);
    const warnings = comparePaired(pairs, options).warnings;
    expect(warnings).toContain(
      '8 pairs cannot reach significance at alpha 2.8e-7 across 4 metrics (Holm); use at least 25 pairs',
    );
    expect(warnings.some((w) => w.includes('cannot give a 100% interval'))).toBe(true);
  });
});
