import { z } from 'zod';
import { duration, durationOrZero, percent, positiveInt } from '../fields.js';
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

export const abSchema = z
  .strictObject({
    pairs: positiveInt('a number of base/head trial pairs').default(16),
    trialDuration: duration('"5s"').default(5_000),
    warmup: durationOrZero('"2s"').default(2_000),
    alpha: z.number().positive().max(0.5).default(0.01),
    /** Smallest change worth reporting even when significant. */
    minEffect: percent().default(0.02),
    /**
     * auto: on Linux with two or more CPUs, perfgate's client runs on one CPU and the SUT's
     * process tree on the others during the trials (taskset), so that neither takes the other's
     * core mid-trial. off (default): the scheduler places both. The result says which ran.
     * Off by default: side by side on this project's 2-CPU machine it did not lower the A/A noise
     * (median p50 MDE 0.6 % pinned, 0.7 % not; throughput 0.5 % both: bench/README.md), and it
     * takes the SUT off the CPU perfgate leaves idle.
     */
    /**
     * Group-sequential A/B: the pairs run in blocks of `block`, and after each block the A/B
     * stops once every gated metric is decided (flagged, or its interval inside ±minEffect);
     * `pairs` becomes the most it runs. Alpha is spent over the looks (O'Brien–Fleming type), so
     * the false-alarm rate holds however it stops (docs/regression.md).
     */
    sequential: z.strictObject({ block: positiveInt('a number of pairs per look').default(8) }).optional(),
    pin: z
      .enum(['auto', 'off'], { error: (i) => `${JSON.stringify(i.input)} is not a pinning mode; expected auto or off` })
      .default('off'),
  })
  .default({ pairs: 16, trialDuration: 5_000, warmup: 2_000, alpha: 0.01, minEffect: 0.02, pin: 'off' });
