import { z } from 'zod';

/** Resource timelines sampled during a profile (issue: monitoring). */
export const resourceSampleSchema = z.object({
  /** Seconds since the profile's measured window began. */
  t: z.number(),
  cpuPercent: z.number(),
  rssBytes: z.number(),
  readBytesPerSec: z.number().optional(),
  writeBytesPerSec: z.number().optional(),
  fds: z.number().optional(),
  threads: z.number().optional(),
  eventLoopDelayMs: z.number().optional(),
  heapUsedBytes: z.number().optional(),
});
export const resourcesSchema = z.object({
  samples: z.array(resourceSampleSchema),
  summary: z.record(z.string(), z.number()).default({}),
});
export type Resources = z.infer<typeof resourcesSchema>;

export const BOTTLENECK_KINDS = ['cpu', 'event-loop', 'memory', 'io', 'network', 'database', 'load-generator'] as const;
export const bottleneckSchema = z.object({
  kind: z.enum(BOTTLENECK_KINDS),
  profile: z.string(),
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()),
});
export type Bottleneck = z.infer<typeof bottleneckSchema>;

export const SUGGESTION_CATEGORIES = ['code', 'resources', 'cache', 'query', 'config'] as const;
export const suggestionSchema = z.object({
  category: z.enum(SUGGESTION_CATEGORIES),
  title: z.string(),
  evidence: z.array(z.string()),
  expectedImpact: z.string(),
  requiresHumanReview: z.literal(true),
  profile: z.string().optional(),
});
export type Suggestion = z.infer<typeof suggestionSchema>;
