/**
 * Where an A/B's noise comes from (issue 18): the spread of a profile's p50 between trials of one
 * side, split into what a trial's own seconds explain (within a trial: the standard error of its
 * mean over its per-second p50s) and what is left between trials. Each trial reboots the SUT, so
 * "between trials" is also "between boots" here. The advice follows the part that dominates.
 * An estimate on the log scale from per-second p50s, not the pooled-histogram p50 the verdict
 * uses: a diagnosis, never part of the verdict.
 */
import type { Comparison } from '../model/compare.js';
import { sampleSd } from './signed-rank.js';

export interface TrialSeries {
  side: 'base' | 'head';
  /** The trial's p50 (its pooled histogram's), ms. */
  p50: number;
  /** The trial's per-second p50s, ms (seconds without an answer read 0 and are left out). */
  seconds: number[];
}

export type NoiseSplit = NonNullable<Comparison['noise']>[number];

/** Fewer trials than this per side and the split is not estimated. */
const MIN_TRIALS_PER_SIDE = 3;

/** Sample variance; 0 under two values (nothing to spread). */
function variance(xs: number[]): number {
  return xs.length < 2 ? 0 : sampleSd(xs) ** 2;
}

const asPercent = (v: number) => (Math.exp(Math.sqrt(Math.max(0, v))) - 1) * 100;

export function splitNoise(profile: string, trials: readonly TrialSeries[]): NoiseSplit | undefined {
  const sides = (['base', 'head'] as const).map((side) =>
    trials.filter((t) => t.side === side && t.p50 > 0).map((t) => Math.log(t.p50)),
  );
  if (sides.some((s) => s.length < MIN_TRIALS_PER_SIDE)) return undefined;
  // Each side around its own mean: a real change between base and head is not noise.
  const total = sides.reduce((a, s) => a + variance(s), 0) / sides.length;
  const withinEach = trials.flatMap((t) => {
    const logs = t.seconds.filter((x) => x > 0).map(Math.log);
    return logs.length >= 2 ? [variance(logs) / logs.length] : [];
  });
  if (withinEach.length === 0) return undefined;
  const within = withinEach.reduce((a, b) => a + b, 0) / withinEach.length;
  const between = Math.max(0, total - within);
  return {
    profile,
    metric: 'p50',
    withinPercent: asPercent(within),
    betweenPercent: asPercent(between),
    dominant: between > within ? 'between' : 'within',
    trials: trials.length,
  };
}

/** One sentence per profile: the two parts, and what usually causes the larger and what to do. */
export function noiseSentences(c: Comparison): string[] {
  const warmup = c.design?.warmup;
  const causes =
    warmup?.mode === 'auto'
      ? warmup.unsteady
        ? `data seeded per boot, caches filled at start or a server still warming when measured (${warmup.unsteady} of ${warmup.trials} trials reached ab.maxWarmup, ${warmup.capMs / 1000}s, unsettled) show here; a higher ab.maxWarmup usually narrows it`
        : 'data seeded per boot or caches filled at start show here (every warm-up settled: look first at data that differs per boot, and seed it with a fixed seed)'
      : `data seeded per boot, caches filled at start or a JIT warmup longer than ab.warmup${warmup ? ` (${warmup.ms / 1000}s)` : ''} show here; a longer ab.warmup, or ab.warmup: auto, usually narrows it`;
  return (c.noise ?? []).map((n) => {
    const parts = `${n.profile} p50 noise: ±${n.betweenPercent.toFixed(1)} % between trials, ±${n.withinPercent.toFixed(1)} % within a trial (${n.trials} trials)`;
    return n.dominant === 'between'
      ? `${parts}. The trials differ more than their own seconds do: each trial reboots the SUT, so ${causes}.`
      : `${parts}. A trial's own seconds vary most (neighbours on the runner, CPU steal, GC cycles): longer trials (ab.trialDuration) narrow it.`;
  });
}
