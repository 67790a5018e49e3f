import { describe, expect, it } from 'vitest';
import { noiseSentences, splitNoise, type TrialSeries } from '../../src/compare/noise.js';
import type { Comparison } from '../../src/model/compare.js';

/** A trial whose p50 is `p50` and whose 5 seconds spread ±`spread` around it. */
const trial = (side: 'base' | 'head', p50: number, spread: number): TrialSeries => ({
  side,
  p50,
  seconds: [-2, -1, 0, 1, 2].map((k) => p50 * (1 + (k * spread) / 2)),
});

describe('the noise split of an A/B', () => {
  it('says the trials differ more than their seconds when each boot lands somewhere else', () => {
    const boots = [10, 11.5, 9, 12, 10.5, 8.8];
    const series = boots.flatMap((p, i) => [trial('base', p, 0.01), trial('head', p * 1.05, 0.01)].slice(i % 2, 2));
    const n = splitNoise('checkout', [...series, trial('head', 11, 0.01), trial('base', 9.6, 0.01)]);
    expect(n?.dominant).toBe('between');
    expect(n!.betweenPercent).toBeGreaterThan(5 * n!.withinPercent);
    const design = { seed: 1, order: 'bh', loadSeconds: 10 };
    const sentence = (warmup: NonNullable<Comparison['design']>['warmup']) =>
      noiseSentences({ method: 'ab', metrics: [], warnings: [], noise: [n!], design: { ...design, warmup } })[0];
    expect(sentence({ mode: 'fixed', ms: 2000 })).toMatch(
      /^checkout p50 noise: ±\d+\.\d % between trials, ±\d\.\d % within a trial \(\d+ trials\)\. The trials differ more than their own seconds do: .*longer than ab\.warmup \(2s\) show here; a longer ab\.warmup, or ab\.warmup: auto, usually narrows it\.$/,
    );
    const auto = { mode: 'auto', medianMs: 750, maxMs: 5000, capMs: 5000, trials: 8 } as const;
    expect(sentence({ ...auto, unsteady: 3 })).toMatch(
      /a server still warming when measured \(3 of 8 trials reached ab\.maxWarmup, 5s, unsettled\) show here; a higher ab\.maxWarmup usually narrows it\.$/,
    );
    expect(sentence({ ...auto, unsteady: 0 })).toMatch(
      /so data seeded per boot or caches filled at start show here \(every warm-up settled: .*fixed seed\)\.$/,
    );
  });

  it('says a trial’s own seconds vary most when the trials agree', () => {
    const series = [0, 1, 2, 3].flatMap((i) => [
      trial('base', 10 + i * 0.001, 0.4),
      trial('head', 10.5 - i * 0.001, 0.4),
    ]);
    const n = splitNoise('checkout', series);
    expect(n?.dominant).toBe('within');
    expect(n?.betweenPercent).toBe(0);
    expect(noiseSentences({ method: 'ab', metrics: [], warnings: [], noise: [n!] })[0]).toMatch(
      /longer trials \(ab\.trialDuration\)/,
    );
  });

  it('is not estimated from fewer than three trials of a side', () => {
    expect(splitNoise('p', [trial('base', 10, 0.1), trial('base', 11, 0.1), trial('head', 10, 0.1)])).toBeUndefined();
  });
});
