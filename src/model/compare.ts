import { z } from 'zod';
import { PERCENTILE_PATTERN, type PercentileName } from './percentiles.js';

/** The metrics every comparison has; a percentile named in gates.regression joins them. */
export const COMPARED_METRICS = ['p50', 'p90', 'p99', 'throughput', 'errorRate'] as const;

export type MetricName = PercentileName | 'throughput' | 'errorRate';

/** comparison.metrics[] — names are a contract. */
export const comparedMetricSchema = z.object({
  profile: z.string(),
  /** The endpoint (request name) of a profile with several, when the row is that endpoint's; absent for the profile's own row. */
  endpoint: z.string().optional(),
  /** p50, p90, p99, throughput, errorRate, or a gated percentile (p95, p999 = p99.9, any pNN / pNN.N). */
  metric: z
    .string()
    .regex(new RegExp(`${PERCENTILE_PATTERN}|^throughput$|^errorRate$`))
    .refine((_v): _v is MetricName => true),
  baseline: z.number(),
  current: z.number(),
  ratio: z.number(),
  ci: z.tuple([z.number(), z.number()]),
  pValue: z.number().nullable(),
  verdict: z.enum(['regression', 'improvement', 'no-change', 'inconclusive']),
  mde: z.number().nullable(),
  threshold: z.number().optional(),
  /** `warn`: gates.regression says `level: warn`, so a regression past the threshold is a warning, not a failure. */
  level: z.literal('warn').optional(),
  /** Same-runner A/B only: the metric in every base/head trial pair, in the order they ran. */
  trials: z.array(z.object({ base: z.number(), head: z.number() })).optional(),
});
export type ComparedMetric = z.infer<typeof comparedMetricSchema>;

export const comparisonSchema = z.object({
  method: z.enum(['baseline', 'ab']),
  /** What was compared with: the stored baseline's commit, or the A/B's base checkout. */
  baseline: z
    .object({
      sha: z.string().optional(),
      branch: z.string().optional(),
      startedAt: z.string().optional(),
      /** A/B: the base as asked for (a branch, tag or SHA), when one was named. */
      ref: z.string().optional(),
      /** A/B: how the base was found, in words (e.g. "merge base of the pull request's base and head"). */
      how: z.string().optional(),
    })
    .optional(),
  /** The regression gate applied: `default` when the config sets no gates.regression (the thresholds are perfgate's). */
  gates: z.object({ source: z.enum(['config', 'default']), thresholds: z.record(z.string(), z.number()) }).optional(),
  /** A/B: how the trials ran: the seed of their order (--seed replays it), the order (b/h), and the seconds of load. */
  design: z
    .object({
      seed: z.number(),
      order: z.string(),
      loadSeconds: z.number(),
      /** The CPUs of perfgate's client and of the SUT during the trials (ab.pin), or why they were not pinned. */
      pinned: z.object({ generator: z.string(), sut: z.string() }).optional(),
      unpinned: z.string().optional(),
      /** A sequential A/B (ab.sequential): the looks planned, the pairs run, the alpha of the last look. */
      sequential: z
        .object({
          looks: z.array(z.number()),
          pairsRun: z.number(),
          alpha: z.number(),
          /** ab.minEffect: an A/B that stopped early had every gated interval past it or inside ±it. */
          minEffect: z.number().optional(),
        })
        .optional(),
      /** Trials per boot (ab.trialsPerBoot) when more than one: a pair compares two boots' geometric means. */
      trialsPerBoot: z.number().optional(),
      /**
       * The trials' warm-up: fixed (ab.warmup: a duration), or until steady (auto): how long it took
       * in the median trial and the longest, and how many trials reached the cap without settling.
       */
      warmup: z
        .union([
          z.object({ mode: z.literal('fixed'), ms: z.number() }),
          z.object({
            mode: z.literal('auto'),
            medianMs: z.number(),
            maxMs: z.number(),
            capMs: z.number(),
            unsteady: z.number(),
            trials: z.number(),
          }),
        ])
        .optional(),
    })
    .optional(),
  /**
   * A/B: CPU that processes other than the SUT and perfgate used on the machine during the trials,
   * % of one core: the median and the highest trial's. Another job on the runner shows here.
   */
  neighbours: z.object({ medianPercent: z.number(), maxPercent: z.number(), trials: z.number() }).optional(),
  /**
   * A/B: where each profile's p50 noise comes from: the spread between trials (each a fresh boot)
   * and what a trial's own seconds explain (compare/noise.ts), as ± percent, and which dominates.
   */
  noise: z
    .array(
      z.object({
        profile: z.string(),
        metric: z.literal('p50'),
        withinPercent: z.number(),
        /** Between trials; of one boot when bootPercent is given. */
        betweenPercent: z.number(),
        /** Between boots, with several trials per boot (ab.trialsPerBoot). */
        bootPercent: z.number().optional(),
        /** false: trials too short (under 2 s) to split a trial's own seconds off; withinPercent then reads 0. */
        withinMeasured: z.boolean().optional(),
        dominant: z.enum(['within', 'between', 'boot']),
        trials: z.number(),
      }),
    )
    .optional(),
  metrics: z.array(comparedMetricSchema),
  warnings: z.array(z.string()).default([]),
});
export type Comparison = z.infer<typeof comparisonSchema>;

/** A row's subject in words: the profile, or "profile › endpoint". */
export function subjectOf(m: Pick<ComparedMetric, 'profile' | 'endpoint'>): string {
  return m.endpoint === undefined ? m.profile : `${m.profile} › ${m.endpoint}`;
}
