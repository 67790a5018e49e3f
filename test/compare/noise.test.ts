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

describe('the noise split of a nested A/B (several trials per boot)', () => {
  /** `boots` boots per side of `perBoot` trials: boot b lands at boots[b], its trials ±trialSpread around it. */
  const nested = (boots: number[], perBoot: number, trialSpread: number): TrialSeries[] =>
    boots.flatMap((p, b) =>
      (['base', 'head'] as const).flatMap((side) =>
        Array.from({ length: perBoot }, (_, t) => ({
          ...trial(side, p * (1 + ((t - (perBoot - 1) / 2) * trialSpread) / perBoot), 0.002),
          boot: side === 'base' ? 2 * b : 2 * b + 1,
        })),
      ),
    );

  it('names the boots when they differ more than the trials on one boot', () => {
    const n = splitNoise('checkout', nested([10, 11.5, 9, 12], 3, 0.01));
    expect(n?.dominant).toBe('boot');
    expect(n!.bootPercent).toBeGreaterThan(5 * n!.betweenPercent);
    const [sentence] = noiseSentences({ method: 'ab', metrics: [], warnings: [], noise: [n!] });
    expect(sentence).toMatch(
      /^checkout p50 noise: ±\d+\.\d % between boots, ±\d\.\d % between trials of one boot \(±\d\.\d % within a trial; 24 trials\)\. The boots differ most: .*more trials per boot do not narrow it, more pairs \(more boots\) do\.$/,
    );
  });

  it('names the trials of one boot when the boots agree', () => {
    const n = splitNoise('checkout', nested([10, 10.001, 9.999, 10], 3, 0.2));
    expect(n?.dominant).toBe('between');
    expect(n?.bootPercent).toBeLessThan(n!.betweenPercent);
    expect(noiseSentences({ method: 'ab', metrics: [], warnings: [], noise: [n!] })[0]).toMatch(
      /Trials on one boot differ more than their own seconds do .*more trials per boot \(ab\.trialsPerBoot\) narrow it\.$/,
    );
  });
});

describe('the noise split of a nested A/B of trials under 2 s', () => {
  it('still splits the boots from the trials, and says a trial’s own part is not separated', () => {
    const oneSecond = (side: 'base' | 'head', p50: number, boot: number): TrialSeries => ({
      side,
      boot,
      p50,
      seconds: [p50],
    });
    const series = [10, 11.5, 9, 12].flatMap((p, b) =>
      [0, 1].flatMap((t) => [
        oneSecond('base', p * (1 + t * 0.01), 2 * b),
        oneSecond('head', p * (1 - t * 0.01), 2 * b + 1),
      ]),
    );
    const n = splitNoise('checkout', series);
    expect(n).toMatchObject({ dominant: 'boot', withinMeasured: false, withinPercent: 0 });
    expect(noiseSentences({ method: 'ab', metrics: [], warnings: [], noise: [n!] })[0]).toMatch(
      /between trials of one boot \(a trial's own seconds included: trials under 2 s have too few to tell apart; 16 trials\)\./,
    );
    // Not nested, one second per trial: nothing to split.
    expect(
      splitNoise(
        'checkout',
        series.map(({ boot: _boot, ...t }) => t),
      ),
    ).toBeUndefined();
  });
});
