/**
 * The data model of result.json (schemaVersion 1). zod schemas are the single source: the types
 * used everywhere, the validation of results read back (baselines, `perfgate report`, and the
 * untrusted artifact in `perfgate publish`) and schema/result.schema.json.
 * Field names marked "contract" are used by other tools and tests: never rename them.
 */
import { z } from 'zod';
import { resourcesSchema, bottleneckSchema, suggestionSchema } from './monitor.js';
import { stressResultSchema, robustnessResultSchema } from './stress.js';
import { comparisonSchema } from './compare.js';

export const RESULT_SCHEMA_VERSION = 1;

export const statusSchema = z.enum(['pass', 'fail', 'inconclusive', 'error']);
export type Status = z.infer<typeof statusSchema>;

/** `check`: an answer that failed the request's response check (a 200 with an error body). */
export const ERROR_CLASSES = ['4xx', '5xx', 'timeout', 'refused', 'reset', 'check', 'other'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];
export const emptyErrorClasses = (): Record<ErrorClass, number> => ({
  '4xx': 0,
  '5xx': 0,
  timeout: 0,
  refused: 0,
  reset: 0,
  check: 0,
  other: 0,
});

/** Counts by error class; a class missing from an older result (before `check`) reads 0. */
const errorClassCounts = z
  .partialRecord(z.enum(ERROR_CLASSES), z.number())
  .transform((r): Record<ErrorClass, number> => ({ ...emptyErrorClasses(), ...r }));

/** Latency summary in milliseconds (floating point, recorded with µs precision). Contract. */
export const latencySchema = z.object({
  min: z.number(),
  mean: z.number(),
  stdev: z.number(),
  p50: z.number(),
  p90: z.number(),
  /** Absent from results of perfgate before it was added (their histogram still has it). */
  p95: z.number().optional(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
});
export type Latency = z.infer<typeof latencySchema>;

/** One second of the measured window. `t` counts seconds from the end of warmup. */
export const timelinePointSchema = z.object({
  t: z.number(),
  rps: z.number(),
  p50: z.number(),
  p99: z.number(),
  errors: z.number(),
  /** That second's latency histogram (µs, HDR, compressed base64): kept by `run --shard` so that merged per-second percentiles are exact. */
  histogram: z.string().optional(),
});
export type TimelinePoint = z.infer<typeof timelinePointSchema>;

export const sloCheckSchema = z.object({
  /** p50, p95, p999 (= p99.9), any pNN / pNN.N, max, mean, errorRate or throughput. */
  metric: z.string(),
  limit: z.number(),
  /** null: not measured (a percentile of a result with neither that field nor a histogram); the check does not pass. */
  actual: z.number().nullable(),
  unit: z.enum(['ms', 'ratio', 'rps']),
  pass: z.boolean(),
  /** The limit is perfgate's default (the error-rate ceiling of a profile whose SLO sets none). */
  implicit: z.boolean().optional(),
  /** The endpoint whose own `slo` (on its request) this check is; absent for the profile's. */
  endpoint: z.string().optional(),
  /** `warn`: the SLO says `level: warn`, so a miss is a warning and never fails the profile. */
  level: z.literal('warn').optional(),
});
export type SloCheck = z.infer<typeof sloCheckSchema>;

/** Trend of latency and errors within one run (does the SUT get worse as the run goes on?). */
export const degradationSchema = z.object({
  degraded: z.boolean(),
  /** Relative change of per-second p50 from the first to the last third of the run. */
  p50Change: z.number(),
  p99Change: z.number(),
  rpsChange: z.number(),
  /** Errors in the last third minus the first third, per second. */
  errorRateChange: z.number(),
  detail: z.string(),
});
export type Degradation = z.infer<typeof degradationSchema>;

/** How hard the load generator itself worked: a saturated generator makes the numbers its own. */
const generatorSchema = z.object({
  /**
   * What sent the load: perfgate's own HTTP/1.1 connections, autocannon (closed model) or undici's
   * pool (open model), the engines `engine: autocannon` keeps. Absent in older results.
   */
  engine: z.enum(['perfgate', 'autocannon', 'undici']).optional(),
  /**
   * The open model's connection pool: the most connections open at once and the cap
   * (maxConnections), and the arrivals that found every connection busy and waited for one (their
   * latency includes the wait, counted from their intended time).
   */
  connections: z
    .object({ peakConnections: z.number(), maxConnections: z.number(), waited: z.number(), longestWaitMs: z.number() })
    .optional(),
  cpuPercent: z.number(),
  /** Share of the wall time the client thread was on a CPU or queued for one (Linux schedstat). */
  runnablePercent: z.number().optional(),
  /** Of that, the share it was queued behind other processes. */
  runQueuePercent: z.number().optional(),
  eventLoopDelayP99Ms: z.number(),
  saturated: z.boolean(),
  evidence: z.array(z.string()),
});

/** Errors of a profile or an endpoint: counts by class and by HTTP status, and the first few failures. */
const errorsSchema = z.object({
  total: z.number(),
  byClass: errorClassCounts,
  byStatus: z.record(z.string(), z.number()),
  /** The first few failures (an endpoint's failed check: what was expected, what came back). */
  samples: z.array(z.string()),
});

/**
 * One endpoint of a profile: the requests of one name (default "METHOD path" as written). Its
 * fields mean what the profile's do; the profile's counts are the sums over its endpoints.
 */
export const endpointResultSchema = z.object({
  name: z.string(),
  method: z.string(),
  /** The path as written in the config, templates unrendered. */
  path: z.string(),
  requests: z.object({ total: z.number(), ok: z.number() }),
  errors: errorsSchema,
  /** rps: answers per second (any status); attempts that got no answer (refused, reset, timeout) are errors only. */
  throughput: z.object({ rps: z.number(), bytesPerSec: z.number() }),
  latency: latencySchema,
  /** HDR histogram of this endpoint's latencies in µs, as the profile's. */
  histogram: z.string().optional(),
});
export type EndpointResult = z.infer<typeof endpointResultSchema>;

/** An endpoint's name: its request's `name`, else the request's method and path as written. */
export function endpointName(request: { name?: string | undefined; method: string; path: string }): string {
  return request.name ?? `${request.method} ${request.path}`;
}

export const profileResultSchema = z.object({
  name: z.string(),
  kind: z.enum(['load', 'stress', 'robustness', 'jmeter']),
  status: statusSchema,
  reasons: z.array(z.string()),
  model: z.enum(['closed', 'open']).optional(),
  connections: z.number().optional(),
  rate: z.number().optional(),
  startedAt: z.string(),
  /** Measured window (excluding warmup), seconds. */
  durationSec: z.number(),
  warmupSec: z.number(),
  requests: z.object({
    /** Responses received in the measured window (warmup excluded). Contract. */
    total: z.number(),
    ok: z.number(),
    /** Open model: arrivals that found maxInFlight requests outstanding and were not sent. */
    dropped: z.number(),
  }),
  errors: errorsSchema,
  /** rps: answers per second (any status); attempts that got no answer (refused, reset, timeout) are errors only. */
  throughput: z.object({ rps: z.number(), bytesPerSec: z.number() }),
  latency: latencySchema,
  /** HDR histogram of latencies in µs, base64-compressed (hdr-histogram-js encodeIntoCompressedBase64). */
  histogram: z.string().optional(),
  timeline: z.array(timelinePointSchema),
  degradation: degradationSchema.optional(),
  /** Per endpoint (request name), load profiles. */
  endpoints: z.array(endpointResultSchema).optional(),
  /** `pass`: no check of a `level: fail` SLO missed. */
  slo: z.object({ pass: z.boolean(), checks: z.array(sloCheckSchema) }),
  /** Misses of `level: warn` SLOs: reported and annotated, never a failure. */
  warnings: z.array(z.string()).optional(),
  generator: generatorSchema.optional(),
  stress: stressResultSchema.optional(),
  robustness: robustnessResultSchema.optional(),
  resources: resourcesSchema.optional(),
});
export type ProfileResult = z.infer<typeof profileResultSchema>;

export const environmentSchema = z.object({
  cpuModel: z.string(),
  cores: z.number(),
  os: z.string(),
  node: z.string(),
  runner: z.string(),
  ci: z.boolean(),
});
export type EnvironmentFingerprint = z.infer<typeof environmentSchema>;

const sutResultSchema = z.object({
  command: z.string().optional(),
  url: z.string(),
  startupMs: z.number().optional(),
  /** Set when the SUT exited before perfgate stopped it. */
  exit: z
    .object({
      code: z.number().nullable(),
      signal: z.string().nullable(),
      /** ms since the SUT started. */
      atMs: z.number(),
      duringProfile: z.string().optional(),
    })
    .optional(),
  logTail: z.string().optional(),
});

export const runResultSchema = z.object({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('perfgate'), version: z.string() }),
  status: statusSchema,
  reasons: z.array(z.string()),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  configPath: z.string().optional(),
  git: z
    .object({
      sha: z.string().optional(),
      ref: z.string().optional(),
      branch: z.string().optional(),
      baseSha: z.string().optional(),
    })
    .default({}),
  environment: environmentSchema,
  sut: sutResultSchema,
  profiles: z.array(profileResultSchema),
  bottlenecks: z.array(bottleneckSchema).default([]),
  suggestions: z.array(suggestionSchema).default([]),
  comparison: comparisonSchema.optional(),
  /** Metric values over the stored history plus this run, oldest first, with detected step changes (for trend charts). */
  trends: z
    .array(
      z.object({
        profile: z.string(),
        metric: z.string(),
        points: z.array(z.object({ sha: z.string(), value: z.number() })),
        steps: z.array(z.object({ sha: z.string(), change: z.number() })),
      }),
    )
    .optional(),
  /** Notes for the reader that are not failures (threshold changes needing review, warnings). */
  notices: z.array(z.string()).default([]),
  /** Misses of gates and SLOs that say `level: warn`: shown with ⚠️ and annotated; they never fail the run. */
  warnings: z.array(z.string()).default([]),
});
export type RunResult = z.infer<typeof runResultSchema>;
