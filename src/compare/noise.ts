/**
 * Where an A/B's noise comes from (issue 18): the spread of a profile's p50 between trials of one
 * side, split into what a trial's own seconds explain (within a trial: the standard error of its
 * mean over its per-second p50s) and what is left between trials. Each trial reboots the SUT, so
 * "between trials" is also "between boots" there. With several trials per boot (ab.trialsPerBoot)
 * the rest splits again: between trials of one boot (their spread around the boot's mean, less
 * the within part) and between boots (what is left). The advice follows the part that dominates.
 * An estimate on the log scale from per-second p50s, not the pooled-histogram p50 the verdict
 * uses: a diagnosis, never part of the verdict.
 */
import type { Comparison } from '../model/compare.js';
import { sampleSd } from './signed-rank.js';

export interface TrialSeries {
  side: 'base' | 'head';
  /** Which boot ran it (several trials per boot: ab.trialsPerBoot). */
  boot?: number;
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
  const onBoot = withinBoots(trials);
  if (withinEach.length === 0 && onBoot === undefined) return undefined;
  // Trials under 2 s have one second each: a trial's own part cannot be told from the rest, and
  // stays in "between trials of one boot" (a nested A/B still splits that from the boots).
  const within = withinEach.length ? withinEach.reduce((a, b) => a + b, 0) / withinEach.length : 0;
  if (onBoot !== undefined) {
    // Nested: trials of one boot around their boot's mean, then the boots around the side's.
    const between = Math.max(0, onBoot - within);
    const boots = Math.max(0, total - onBoot);
    const dominant = boots >= between && boots >= within ? 'boot' : between > within ? 'between' : 'within';
    return {
      profile,
      metric: 'p50',
      withinPercent: asPercent(within),
      betweenPercent: asPercent(between),
      bootPercent: asPercent(boots),
      ...(withinEach.length ? {} : { withinMeasured: false }),
      dominant,
      trials: trials.length,
    };
  }
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

/**
 * The pooled variance of the trials' log p50 around their own boot's mean (each boot of two or
 * more trials); undefined when no boot ran more than one trial.
 */
function withinBoots(trials: readonly TrialSeries[]): number | undefined {
  const byBoot = new Map<string, number[]>();
  for (const t of trials)
    if (t.boot !== undefined && t.p50 > 0) {
      const key = `${t.side}:${t.boot}`;
      byBoot.set(key, [...(byBoot.get(key) ?? []), Math.log(t.p50)]);
    }
  let squares = 0;
  let df = 0;
  for (const logs of byBoot.values()) {
    if (logs.length < 2) continue;
    squares += variance(logs) * (logs.length - 1);
    df += logs.length - 1;
  }
  return df > 0 ? squares / df : undefined;
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
    if (n.bootPercent !== undefined) {
      const within =
        n.withinMeasured === false
          ? "a trial's own seconds included: trials under 2 s have too few to tell apart"
          : `±${n.withinPercent.toFixed(1)} % within a trial`;
      const parts = `${n.profile} p50 noise: ±${n.bootPercent.toFixed(1)} % between boots, ±${n.betweenPercent.toFixed(1)} % between trials of one boot (${within}; ${n.trials} trials)`;
      return n.dominant === 'boot'
        ? `${parts}. The boots differ most: ${causes}; more trials per boot do not narrow it, more pairs (more boots) do.`
        : n.dominant === 'between'
          ? `${parts}. Trials on one boot differ more than their own seconds do (neighbours on the runner, GC cycles, a drift over the boot's life): more trials per boot (ab.trialsPerBoot) narrow it.`
          : `${parts}. A trial's own seconds vary most (neighbours on the runner, CPU steal, GC cycles): longer trials (ab.trialDuration) narrow it.`;
    }
    const parts = `${n.profile} p50 noise: ±${n.betweenPercent.toFixed(1)} % between trials, ±${n.withinPercent.toFixed(1)} % within a trial (${n.trials} trials)`;
    return n.dominant === 'between'
      ? `${parts}. The trials differ more than their own seconds do: each trial reboots the SUT, so ${causes}.`
      : `${parts}. A trial's own seconds vary most (neighbours on the runner, CPU steal, GC cycles): longer trials (ab.trialDuration) narrow it.`;
  });
}
