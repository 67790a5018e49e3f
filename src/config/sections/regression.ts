import { z } from 'zod';
import { duration, percent, positiveInt } from '../fields.js';
import { parseDurationMs } from '../units.js';
import { gateLevel, withPercentileKeys } from '../percentile-keys.js';
import { PERCENTILE_FORMS } from '../../model/percentiles.js';

/** Fail the run only on a significant change past these thresholds. */
export const gatesSchema = z
  .strictObject({
    /**
     * Thresholds per metric: p50, p90, p99 or any percentile (read from the histograms of both
     * sides, so exact in both comparison methods), throughput, errorRate. A gated percentile that
     * is not among the metrics always compared joins them, and Holm's family with it.
     */
    regression: withPercentileKeys(
      {
        p50: percent().optional(),
        p90: percent().optional(),
        p99: percent().optional(),
        throughput: percent().optional(),
        errorRate: percent().optional(),
        level: gateLevel(),
      },
      percent,
      `Fail on a significant change past these thresholds ("10%") of any percentile, ${PERCENTILE_FORMS}, of throughput or of errorRate; level: warn to report a regression without failing.`,
    ).optional(),
    /**
     * A pull request that renames, drops or changes the workload of a profile, or drops an SLO,
     * fails with "needs review: …" (`fail`), or only says so (`warn`). Read from the base branch.
     */
    review: z.enum(['fail', 'warn']).default('fail'),
  })
  .default({ review: 'fail' });
export type RegressionGate = NonNullable<z.output<typeof gatesSchema>['regression']>;

export const baselineSchema = z
  .strictObject({
    store: z.enum(['dir', 'git', 'cache']).default('dir'),
    /** dir store: folder (relative to perfgate.yml); git store: folder inside the branch. */
    path: z.string().default('.perfgate/baselines'),
    /** git store: the data branch. */
    branch: z.string().default('perfgate-data'),
    /** How many results to keep per branch. */
    history: positiveInt('a number of results to keep').default(50),
  })
  .default({ store: 'dir', path: '.perfgate/baselines', branch: 'perfgate-data', history: 50 });

/** ab.warmup: "auto" (warm until steady) or a fixed duration (0 for none). Output: "auto" or ms. */
const abWarmup = () =>
  z.union([z.string(), z.number()]).transform((v, ctx): 'auto' | number => {
    if (v === 'auto') return 'auto';
    const ms = typeof v === 'number' ? v : parseDurationMs(v);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(v)} is not a warmup; expected "auto" (warm until steady) or a duration, e.g. "2s" ("0s" for none)`,
      });
      return z.NEVER;
    }
    return ms;
  });

/**
 * The A/B's defaults (issue 18): many short trials rather than a few long ones (on this project's
 * 2-CPU machine a pair of 2 s trials was no noisier than one of 5 s, and the interval narrows with
 * √pairs), each after a warm-up until steady, looked at every 7 pairs so that a clear change or a
 * clear "no change" stops early (a clear change at the second look: 14 pairs, about 85 s of load).
 * bench/README.md has the measurements behind each number.
 */
const AB_DEFAULTS = {
  pairs: 35,
  trialDuration: 2_000,
  warmup: 'auto' as const,
  maxWarmup: 5_000,
  trialsPerBoot: 1,
  alpha: 0.01,
  minEffect: 0.02,
  sequential: { block: 7 },
  pin: 'off' as const,
};

export const abSchema = z
  .strictObject({
    /** The most pairs an A/B runs (a sequential A/B stops at a look once it is decided). */
    pairs: positiveInt('a number of base/head trial pairs').default(AB_DEFAULTS.pairs),
    trialDuration: duration('"2s"').default(AB_DEFAULTS.trialDuration),
    /**
     * auto: before each trial the profile's load runs in 250 ms windows until three agree (p50 and
     * throughput within 10 %), at most maxWarmup; a duration: that fixed warm-up.
     */
    warmup: abWarmup().default(AB_DEFAULTS.warmup),
    /** The cap of an auto warm-up: a SUT still not steady by then is measured anyway, and the A/B says so. */
    maxWarmup: duration('"5s"').default(AB_DEFAULTS.maxWarmup),
    /**
     * Trials per boot of a side (nested design): the SUT boots and warms once, then runs this many
     * trials; a pair compares the two boots' geometric means, so the boot stays the unit of the
     * statistics. For a SUT whose boot and warm-up cost far more than a trial. Default 1.
     */
    trialsPerBoot: positiveInt('a number of trials per boot').default(AB_DEFAULTS.trialsPerBoot),
    alpha: z.number().positive().max(0.5).default(AB_DEFAULTS.alpha),
    /** Smallest change worth reporting even when significant. */
    minEffect: percent().default(AB_DEFAULTS.minEffect),
    /**
     * Group-sequential A/B (default on, `false` for a fixed number of pairs): the pairs run in
     * blocks of `block`, and after each block the A/B stops once every gated metric is decided
     * (flagged, or its interval inside ±minEffect); `pairs` is the most it runs. Alpha is spent
     * over the looks (Hwang–Shih–DeCani, γ = −4, close to O'Brien–Fleming), so the false-alarm
     * rate holds however it stops (docs/regression.md).
     */
    sequential: z
      .union(
        [
          z.literal(false),
          z.strictObject({ block: positiveInt('a number of pairs per look').default(AB_DEFAULTS.sequential.block) }),
        ],
        {
          error: (i) =>
            `${JSON.stringify(i.input)} is not a sequential design; expected { block: 7 } (pairs per look) or false (a fixed number of pairs)`,
        },
      )
      .default(AB_DEFAULTS.sequential),
    /**
     * auto: on Linux with two or more CPUs, perfgate's client runs on one CPU and the SUT's
     * process tree on the others during the trials (taskset), so that neither takes the other's
     * core mid-trial. off (default): the scheduler places both. The result says which ran.
     * Off by default: side by side on this project's 2-CPU machine it did not lower the A/A noise
     * (median p50 MDE 0.6 % pinned, 0.7 % not; throughput 0.5 % both: bench/README.md), and it
     * takes the SUT off the CPU perfgate leaves idle.
     */
    pin: z
      .enum(['auto', 'off'], { error: (i) => `${JSON.stringify(i.input)} is not a pinning mode; expected auto or off` })
      .default(AB_DEFAULTS.pin),
  })
  .default(AB_DEFAULTS);
