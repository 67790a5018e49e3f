import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, tCdf, tQuantile } from '../../src/compare/distributions.js';
import {
  hodgesLehmann,
  holmAdjust,
  minimumDetectableEffect,
  minimumPairsFor,
  signedRankCdf,
  signedRankTest,
} from '../../src/compare/signed-rank.js';
import { seededRandom, shuffle } from '../../src/compare/prng.js';

describe('distributions', () => {
  it.each([
    [0.975, 1.959964],
    [0.995, 2.575829],
    [0.5, 0],
    [0.05, -1.644854],
  ])('the normal quantile of %f is %f', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 5);
    expect(normalCdf(z)).toBeCloseTo(p, 6);
  });

  it.each([
    [0.975, 10, 2.228139],
    [0.995, 5, 4.032143],
    [0.975, 1, 12.7062],
  ])('the t quantile at %f with %i degrees of freedom is %f', (p, df, t) => {
    expect(tQuantile(p, df)).toBeCloseTo(t, 3);
    expect(tCdf(t, df)).toBeCloseTo(p, 5);
  });
});

describe('Wilcoxon signed-rank', () => {
  it('gives the exact two-sided p-value 2/2^n when every pair moves the same way', () => {
    expect(signedRankTest([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).pValue).toBeCloseTo(2 / 1024, 10);
    expect(signedRankTest([-1, -2, -3, -4, -5, -6]).pValue).toBeCloseTo(2 / 64, 10);
  });

  it('matches the textbook null distribution (n = 10: P(W+ ≤ 8) = 25/1024)', () => {
    expect(signedRankCdf(8, 10)).toBeCloseTo(25 / 1024, 10);
  });

  it('computes the exact p-value of a mixed sample from its rank sums (n = 9, W+ = 40 → p = 20/512)', () => {
    // Negative pairs hold ranks 2 and 3, so W+ = 45 − 5; P(W+ ≤ 5) counts 10 of the 512 sign patterns.
    const d = [0.952, -0.147, 1.022, 0.43, 0.62, 0.59, 0.49, -0.08, 0.01];
    const t = signedRankTest(d);
    expect(t.wPlus).toBe(40);
    expect(t.pValue).toBeCloseTo(20 / 512, 10);
  });

  it('stays exact when pairs tie, conditional on the ties (a p50 or an answer count repeats exactly)', () => {
    // 14 pairs that all agree, two of them equal: still the single most extreme of 2^14 sign patterns.
    const agree = [0.1, 0.1, 0.09, 0.095, 0.11, 0.12, 0.105, 0.098, 0.102, 0.115, 0.093, 0.108, 0.097, 0.104];
    expect(signedRankTest(agree).pValue).toBeCloseTo(2 / 2 ** 14, 12);
    // A mixed sample with tied magnitudes of both signs, against every sign pattern counted out.
    const d = [0.5, -0.5, 1, 1, -2, 3, 3, 3, -4, 5];
    const t = signedRankTest(d);
    const ranks = [1.5, 1.5, 3.5, 3.5, 5, 7, 7, 7, 9, 10];
    const observed = d.reduce((s, x, i) => (x > 0 ? s + ranks[i]! : s), 0);
    expect(t.wPlus).toBe(observed);
    const max = ranks.reduce((a, b) => a + b, 0);
    let asExtreme = 0;
    for (let mask = 0; mask < 2 ** d.length; mask++) {
      const w = ranks.reduce((s, r, i) => (mask & (1 << i) ? s + r : s), 0);
      if (w <= Math.min(observed, max - observed) || w >= Math.max(observed, max - observed)) asExtreme++;
    }
    expect(t.pValue).toBeCloseTo(asExtreme / 2 ** d.length, 12);
  });

  it('drops zero differences and answers p = 1 when nothing moved', () => {
    expect(signedRankTest([0, 0, 0]).pValue).toBe(1);
    expect(signedRankTest([0, 1, 2, 3]).n).toBe(3);
  });
});

describe('Hodges–Lehmann and its interval', () => {
  it('estimates the median of the Walsh averages', () => {
    // Walsh averages of [1, 2, 4]: 1, 1.5, 2.5, 2, 3, 4 → median 2.25
    expect(hodgesLehmann([1, 2, 4], 0.05).estimate).toBeCloseTo(2.25, 10);
  });

  it('covers the true shift about (1 − alpha) of the time', () => {
    const random = seededRandom(42);
    let covered = 0;
    const runs = 400;
    for (let r = 0; r < runs; r++) {
      const d = Array.from({ length: 16 }, () => 0.03 + (random() - 0.5) * 0.04);
      const { ci } = hodgesLehmann(d, 0.05);
      if (ci[0] <= 0.03 && 0.03 <= ci[1]) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.92);
    expect(covered / runs).toBeLessThan(0.995);
  });

  it('says when too few pairs allow no interval at that level', () => {
    expect(hodgesLehmann([0.1, 0.2, 0.3], 0.01).exact).toBe(false);
    expect(
      hodgesLehmann(
        Array.from({ length: 12 }, (_, i) => i / 100),
        0.01,
      ).exact,
    ).toBe(true);
  });
});

describe('Holm and the minimum detectable effect', () => {
  it('adjusts p-values step-down and keeps the input order', () => {
    expect(holmAdjust([0.01, 0.04, null, 0.03])).toEqual([0.03, 0.06, null, 0.06]);
  });

  it('needs log2(2/alpha) pairs before any result can be significant', () => {
    expect(minimumPairsFor(0.01)).toBe(8);
    expect(minimumPairsFor(0.0025)).toBe(10);
    expect(minimumDetectableEffect(0.02, 7, 0.01)).toBeNull();
  });

  it("reproduces the issue's MDE arithmetic (2.2 % SD, 24 pairs, alpha 0.01 → about 2 %)", () => {
    const mde = minimumDetectableEffect(0.022, 24, 0.01)!;
    expect(mde).toBeGreaterThan(0.018);
    expect(mde).toBeLessThan(0.022);
  });
});

describe('seeded PRNG', () => {
  it('replays the same sequence for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    expect(shuffle([1, 2, 3, 4, 5], seededRandom(3)).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
