/**
 * Load spread over shards: the split of rate and users and the exact merge of HDR histograms;
 * three shard processes against one server in shard.e2e.test.ts.
 */
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/compare/prng.js';
import { mergeHistograms, mergeProfile } from '../../src/shard/merge.js';
import { parseShard, shareOf } from '../../src/shard/split.js';
import { profile } from '../helpers/results.js';

describe('splitting the load', () => {
  it.each([
    [10, 3, [4, 3, 3]],
    [2, 3, [1, 1, 0]],
    [9, 3, [3, 3, 3]],
  ])('%i users over %i shards → %o', (total, count, shares) => {
    expect([1, 2, 3].slice(0, count).map((index) => shareOf(total, { index, count }))).toEqual(shares);
  });
  it.each(['0/3', '4/3', '1-3', 'a/b'])('refuses --shard %s', (text) => {
    expect(() => parseShard(text)).toThrow(/expected i\/n with 1 ≤ i ≤ n/);
  });
});

describe('merging histograms', () => {
  it('gives exactly the histogram of the union of the samples', () => {
    const random = seededRandom(7);
    const all = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 3_600_000_000,
      numberOfSignificantValueDigits: 3,
    });
    const parts = [0, 1, 2].map((k) => {
      const h = hdr.build({
        lowestDiscernibleValue: 1,
        highestTrackableValue: 3_600_000_000,
        numberOfSignificantValueDigits: 3,
      });
      for (let i = 0; i < 20_000; i++) {
        const us = Math.round(200 + (k + 1) * 300 * -Math.log(1 - random()));
        h.recordValue(us);
        all.recordValue(us);
      }
      return hdr.encodeIntoCompressedBase64(h);
    });
    const merged = mergeHistograms(parts);
    expect(merged.totalCount).toBe(all.totalCount);
    for (const p of [1, 10, 50, 90, 99, 99.9, 99.99, 100])
      expect(merged.getValueAtPercentile(p)).toBe(all.getValueAtPercentile(p));
    // Min and max are known to the histogram's resolution (3 significant digits), as every value is.
    // (hdr-histogram-js has these methods; its type declarations leave them out.)
    const eq = (h: hdr.Histogram) =>
      h as unknown as { highestEquivalentValue(v: number): number; lowestEquivalentValue(v: number): number };
    expect(merged.maxValue).toBe(eq(all).highestEquivalentValue(all.maxValue));
    expect(eq(merged).lowestEquivalentValue(merged.minNonZeroValue)).toBe(
      eq(all).lowestEquivalentValue(all.minNonZeroValue),
    );
  });
});

describe('merging per-second timelines', () => {
  const build = () =>
    hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  it("gives each second the percentiles of the union of that second's samples", () => {
    const random = seededRandom(11);
    const union = [build(), build(), build()];
    const all = build();
    const parts = [0, 1].map((k) => {
      const whole = build();
      const timeline = [0, 1, 2].map((t) => {
        const h = build();
        for (let i = 0; i < 500; i++) {
          const us = Math.round(300 + (k * 3 + t + 1) * 400 * -Math.log(1 - random()));
          h.recordValue(us);
          whole.recordValue(us);
          union[t]!.recordValue(us);
          all.recordValue(us);
        }
        return {
          t,
          rps: 500,
          errors: 0,
          p50: h.getValueAtPercentile(50) / 1000,
          p99: h.getValueAtPercentile(99) / 1000,
          histogram: hdr.encodeIntoCompressedBase64(h),
        };
      });
      return profile('api', {
        startedAt: '2026-11-25T00:00:00.000Z',
        warmupSec: 0,
        durationSec: 3,
        requests: { total: 1500, ok: 1500, dropped: 0 },
        histogram: hdr.encodeIntoCompressedBase64(whole),
        timeline,
      });
    });
    const merged = mergeProfile(parts);
    expect(merged.timeline.map((p) => p.rps)).toEqual([1000, 1000, 1000]);
    merged.timeline.forEach((p, t) => {
      expect(p.p50).toBe(union[t]!.getValueAtPercentile(50) / 1000);
      expect(p.p99).toBe(union[t]!.getValueAtPercentile(99) / 1000);
      expect(p.histogram).toBeUndefined(); // the merged result stays small
    });
    expect(merged.latency.p99).toBe(all.getValueAtPercentile(99) / 1000);
  });
});

describe('merging endpoints', () => {
  const build = () =>
    hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  it('adds each endpoint’s counts over the shards and merges its histogram exactly', () => {
    const random = seededRandom(3);
    const union = { list: build(), create: build() };
    const parts = [0, 1].map((k) => {
      const endpoints = (['list', 'create'] as const).map((name, j) => {
        const h = build();
        for (let i = 0; i < 2000; i++) {
          const us = Math.round(300 + (j + 1) * (k + 1) * 200 * -Math.log(1 - random()));
          h.recordValue(us);
          union[name].recordValue(us);
        }
        return {
          name,
          method: 'GET',
          path: `/${name}`,
          requests: { total: 2000, ok: 1990 },
          errors: {
            total: 10,
            byClass: { '4xx': 0, '5xx': 10, timeout: 0, refused: 0, reset: 0, check: 0, other: 0 },
            byStatus: { '500': 10 },
            samples: [`HTTP 500 ${k}`],
          },
          throughput: { rps: 1000, bytesPerSec: 0 },
          latency: { min: 0, mean: 1, stdev: 0, p50: 1, p90: 1, p99: 1, p999: 1, max: 1 },
          histogram: hdr.encodeIntoCompressedBase64(h),
        };
      });
      const whole = build();
      for (const e of endpoints) whole.add(hdr.decodeFromCompressedBase64(e.histogram));
      return profile('api', {
        requests: { total: 4000, ok: 3980, dropped: 0 },
        histogram: hdr.encodeIntoCompressedBase64(whole),
        endpoints,
      });
    });
    const merged = mergeProfile(parts);
    expect(merged.endpoints?.map((e) => [e.name, e.requests.total, e.errors.byStatus, e.throughput.rps])).toEqual([
      ['list', 4000, { '500': 20 }, 2000],
      ['create', 4000, { '500': 20 }, 2000],
    ]);
    expect(merged.endpoints?.[1]?.latency.p99).toBe(union.create.getValueAtPercentile(99) / 1000);
    expect(merged.endpoints?.[0]?.errors.samples).toEqual(['HTTP 500 0', 'HTTP 500 1']);
  });
});
