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
/** A function from the SUT's V8 CPU profile, by self time. */
export const hotFunctionSchema = z.object({
  functionName: z.string(),
  url: z.string(),
  /** 1-based line, as editors show it. */
  line: z.number(),
  selfMs: z.number(),
  selfPercent: z.number(),
});
export type HotFunction = z.infer<typeof hotFunctionSchema>;

/** The SUT's own code, not Node's internals or node_modules: what a suggestion can point at. */
export const isOwnCode = (f: HotFunction): boolean => Boolean(f.url) && !f.url.startsWith('node:') && !f.url.includes('/node_modules/');

export const resourcesSchema = z.object({
  samples: z.array(resourceSampleSchema),
  /** Aggregates over the profile's window (names in src/monitor/summary.ts). */
  summary: z.record(z.string(), z.number()).default({}),
  hotFunctions: z.array(hotFunctionSchema).optional(),
  /** Prometheus series kept from the SUT's metrics endpoints: name{labels} → [t, value]. */
  metrics: z.array(z.object({ series: z.string(), points: z.array(z.tuple([z.number(), z.number()])) })).optional(),
  /** PostgreSQL activity during the profile (deltas of pg_stat_* views). */
  database: z
    .object({
      statements: z.array(z.object({ query: z.string(), calls: z.number(), totalMs: z.number(), meanMs: z.number(), rows: z.number() })),
      seqScans: z.array(z.object({ table: z.string(), seqScans: z.number(), seqRowsRead: z.number(), idxScans: z.number(), liveRows: z.number() })),
      connections: z.object({ used: z.number(), max: z.number() }),
      lockWaits: z.number(),
    })
    .optional(),
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
