import { z } from 'zod';

export const COMPARED_METRICS = ['p50', 'p90', 'p99', 'throughput', 'errorRate'] as const;

/** comparison.metrics[] — names are a contract. */
export const comparedMetricSchema = z.object({
  profile: z.string(),
  metric: z.enum(COMPARED_METRICS),
  baseline: z.number(),
  current: z.number(),
  ratio: z.number(),
  ci: z.tuple([z.number(), z.number()]),
  pValue: z.number().nullable(),
  verdict: z.enum(['regression', 'improvement', 'no-change', 'inconclusive']),
  mde: z.number().nullable(),
  threshold: z.number().optional(),
  /** Same-runner A/B only: the metric in every base/head trial pair, in the order they ran. */
  trials: z.array(z.object({ base: z.number(), head: z.number() })).optional(),
});
export type ComparedMetric = z.infer<typeof comparedMetricSchema>;

export const comparisonSchema = z.object({
  method: z.enum(['baseline', 'ab']),
  baseline: z
    .object({ sha: z.string().optional(), branch: z.string().optional(), startedAt: z.string().optional() })
    .optional(),
  metrics: z.array(comparedMetricSchema),
  warnings: z.array(z.string()).default([]),
});
export type Comparison = z.infer<typeof comparisonSchema>;
