import { z } from 'zod';

/** Resource timelines sampled during a profile (issue: monitoring). */
const resourceSampleSchema = z.object({
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
  /** Node probe: memory outside the V8 heap (Buffers, ArrayBuffers, native objects), bytes. */
  externalBytes: z.number().optional(),
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
export const isOwnCode = (f: HotFunction): boolean =>
  Boolean(f.url) && !f.url.startsWith('node:') && !f.url.includes('/node_modules/');

/**
 * Aggregates over one profile's window, written by `summarize` in src/monitor/sampler.ts. "The
 * tree" is the SUT's process tree; "% of a core" is CPU time over wall time, so a tree busy on
 * two cores reads 200. Every field is optional: each source can be missing (no probe in a
 * non-Node SUT, no schedstat outside Linux, no /proc for a process of another user).
 * Results written before this schema kept the same names in a string→number record, so they
 * parse unchanged; an unknown key is dropped on parse, as everywhere in result.json.
 */
export const resourceSummarySchema = z
  .object({
    /** Logical CPUs of the machine (os.cpus()). */
    cores: z.number(),
    /** The tree's CPU, % of a core: median of the samples. */
    cpuPercentMedian: z.number(),
    /** The tree's CPU, % of a core: 90th percentile of the samples. */
    cpuPercentP90: z.number(),
    /** The tree's CPU, % of a core: its CPU time over the whole window (not from the samples). */
    cpuPercentMean: z.number(),
    /** Share (0–1) of the tree's CPU time spent in the kernel. */
    systemCpuShare: z.number(),
    /** Voluntary and involuntary context switches of the tree, per second. */
    ctxSwitchesPerSec: z.number(),
    /** Bytes the tree read from storage (/proc/<pid>/io read_bytes), per second of the window. */
    readBytesPerSec: z.number(),
    /** Bytes the tree wrote to storage (write_bytes), per second of the window. */
    writeBytesPerSec: z.number(),
    /** The tree's RSS when the window began, bytes. */
    rssStartBytes: z.number(),
    /** The tree's RSS at the last sample, bytes. */
    rssEndBytes: z.number(),
    /** The tree's highest RSS over the samples, bytes. */
    rssMaxBytes: z.number(),
    /** Slope of a linear fit of RSS over the samples, bytes per minute (0 under 3 samples). */
    rssGrowthBytesPerMin: z.number(),
    /** Most open file descriptors of the tree in one sample. */
    fdsMax: z.number(),
    /** Most threads of the tree in one sample. */
    threadsMax: z.number(),
    /** CPU time stolen by the hypervisor, % of the machine's CPU time (all cores). */
    stealPercent: z.number(),
    /** CPU time idle waiting on I/O, % of the machine's CPU time (all cores). */
    iowaitPercent: z.number(),
    /** TCP segments retransmitted, % of segments sent, machine-wide. */
    tcpRetransPercent: z.number(),
    /** The busiest disk of the machine: % of the window it had I/O in flight (/proc/diskstats). */
    diskBusyPercent: z.number(),
    /** The same disk: average number of requests in flight over the window (its queue). */
    diskQueueDepth: z.number(),
    /** Times a connection arrived at a full listen queue (TcpExt ListenOverflows), machine-wide. */
    listenOverflows: z.number(),
    /** Node probe: event-loop delay, ms: median of each probe interval's p50. */
    eventLoopDelayP50Ms: z.number(),
    /** Node probe: event-loop delay, ms: median of each probe interval's p99. */
    eventLoopDelayP99Ms: z.number(),
    /** Node probe: the longest event-loop delay of any interval, ms. */
    eventLoopDelayMaxMs: z.number(),
    /** Node probe: event-loop utilization (0–1), mean of the intervals. */
    eventLoopUtilization: z.number(),
    /** Node probe: ms of GC pauses per second of the window. */
    gcMsPerSec: z.number(),
    /** Node probe: slope of a linear fit of V8 heapUsed, bytes per minute (0 under 3 lines). */
    heapGrowthBytesPerMin: z.number(),
    /** Node probe: V8 heapUsed at the last line, bytes. */
    heapEndBytes: z.number(),
    /** Node probe: mean ms the SUT's HTTP servers spent per request (the 'request' event to the response's end). */
    serverTimeMeanMs: z.number(),
    /** Node probe: requests the SUT's HTTP servers finished in the window (what serverTimeMeanMs averages). */
    serverRequests: z.number(),
    /** The busiest main thread (schedstat): % of the window on a CPU or queued for one, at most 100. */
    mainThreadRunnablePercent: z.number(),
    /** The same thread: % of the window queued behind other threads for a CPU. */
    mainThreadRunQueuePercent: z.number(),
  })
  .partial();
export type ResourceSummary = z.infer<typeof resourceSummarySchema>;

export const resourcesSchema = z.object({
  samples: z.array(resourceSampleSchema),
  summary: resourceSummarySchema.default({}),
  hotFunctions: z.array(hotFunctionSchema).optional(),
  /** Prometheus series kept from the SUT's metrics endpoints: name{labels} → [t, value]. */
  metrics: z.array(z.object({ series: z.string(), points: z.array(z.tuple([z.number(), z.number()])) })).optional(),
  /** PostgreSQL activity during the profile (deltas of pg_stat_* views). */
  database: z
    .object({
      statements: z.array(
        z.object({ query: z.string(), calls: z.number(), totalMs: z.number(), meanMs: z.number(), rows: z.number() }),
      ),
      seqScans: z.array(
        z.object({
          table: z.string(),
          seqScans: z.number(),
          seqRowsRead: z.number(),
          idxScans: z.number(),
          liveRows: z.number(),
        }),
      ),
      /** Client sessions now: all, the server's limit, and those other than perfgate's own (the SUT's pool, mostly). */
      connections: z.object({ used: z.number(), max: z.number(), others: z.number().optional() }),
      lockWaits: z.number(),
    })
    .optional(),
});
export type Resources = z.infer<typeof resourcesSchema>;

const BOTTLENECK_KINDS = ['cpu', 'event-loop', 'memory', 'io', 'network', 'database', 'load-generator'] as const;
export const bottleneckSchema = z.object({
  kind: z.enum(BOTTLENECK_KINDS),
  profile: z.string(),
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string()),
});
export type Bottleneck = z.infer<typeof bottleneckSchema>;

const SUGGESTION_CATEGORIES = ['code', 'resources', 'cache', 'query', 'config'] as const;
export const suggestionSchema = z.object({
  category: z.enum(SUGGESTION_CATEGORIES),
  title: z.string(),
  evidence: z.array(z.string()),
  expectedImpact: z.string(),
  requiresHumanReview: z.literal(true),
  profile: z.string().optional(),
});
export type Suggestion = z.infer<typeof suggestionSchema>;
