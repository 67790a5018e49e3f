import { z } from 'zod';
import { bottleneckSchema } from './monitor.js';

const BREAK_REASONS = ['slo', 'errors', 'knee', 'crash', 'max', 'budget'] as const;

/**
 * What limited a step: a bottleneck kind, `none` (every rule was judged on the step's samples and
 * none fired) or `not measured` (no samples of the SUT during the step, and nothing else fired).
 */
const STEP_LIMITS = [...bottleneckSchema.shape.kind.options, 'none', 'not measured'] as const;

const stressStepSchema = z.object({
  offered: z.number(),
  /** Ramping users: the connection count of the step. */
  connections: z.number().optional(),
  achievedRps: z.number(),
  p50: z.number(),
  p99: z.number(),
  errorRate: z.number(),
  metSlo: z.boolean(),
  /** perfgate's own client was saturated during this step: its numbers are perfgate's limit. */
  generatorSaturated: z.boolean().optional(),
  /** The resource that limited this step, from what was measured during it only (src/stress/limit.ts). */
  limitedBy: z.object({ resource: z.enum(STEP_LIMITS), evidence: z.string() }).optional(),
});

/** profiles[].stress — names are a contract. */
export const stressResultSchema = z.object({
  maxSustainableRps: z.number().nullable(),
  maxSustainableConnections: z.number().nullable().optional(),
  breakingPoint: z.object({
    step: z.number().nullable(),
    offered: z.number().nullable(),
    reason: z.enum(BREAK_REASONS),
    detail: z.string(),
  }),
  steps: z.array(stressStepSchema),
  recovery: z
    .object({ recovered: z.boolean(), seconds: z.number().nullable(), reason: z.string().optional() })
    .nullable(),
  exhaustion: z.array(z.object({ resource: z.string(), detail: z.string() })).default([]),
});
export type StressResult = z.infer<typeof stressResultSchema>;

const robustnessCaseSchema = z.object({
  name: z.string(),
  request: z.string(),
  outcome: z.enum(['handled', 'server-error', 'hang', 'reset', 'crash']),
  status: z.number().nullable(),
  ms: z.number().nullable(),
  handled: z.boolean(),
  detail: z.string(),
});
export const robustnessResultSchema = z.object({
  cases: z.array(robustnessCaseSchema),
  healthyAfter: z.boolean(),
});
export type RobustnessResult = z.infer<typeof robustnessResultSchema>;
