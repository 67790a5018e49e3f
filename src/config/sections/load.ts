import { z } from 'zod';
import { arrivalRate, duration, durationOrZero, positiveInt } from '../fields.js';
import { defaultRequests, requestSchema, sloSchema, workloadKeys } from './request.js';

/** Hard limit (README: Safety): a load test finishes in at most 10 minutes. */
const LOAD_BUDGET_MS = 10 * 60_000;

/**
 * A load profile: a closed model (`connections` concurrent users, each sending its next request
 * when the previous answer arrives) or an open model (`rate` requests per second arriving on a
 * schedule whatever the server does, the model that does not hide queueing: coordinated omission).
 */
export const loadProfileSchema = z
  .strictObject({
    name: z.string().min(1, 'expected a non-empty profile name'),
    kind: z.literal('load'),
    duration: duration().default(30_000),
    warmup: durationOrZero().default(0),
    connections: positiveInt('a number of concurrent connections').optional(),
    rate: arrivalRate().optional(),
    /**
     * Open model only: the most arrivals outstanding at once (answered by no one yet, on a
     * connection or waiting for one) before further arrivals count as dropped. Default: a
     * timeout's worth of arrivals (rate × timeout), at least 64.
     */
    maxInFlight: positiveInt('a number of requests in flight')
      // Each outstanding arrival holds a few hundred bytes: a million is ~300 MB, a bound, not a target.
      .max(1_000_000, 'expected at most 1000000 requests in flight (each holds memory while it waits)')
      .optional(),
    /**
     * Open model only: the most connections perfgate opens. An arrival that finds them all busy
     * waits for a free one (its latency counts from its intended time). Default: enough for
     * answers within 50 ms at the rate (rate × 0.05 s), at least 64.
     */
    maxConnections: positiveInt('a number of connections').optional(),
    /** A request that has not been answered within this time counts as a timeout error. */
    timeout: duration('"10s"').default(10_000),
    pipelining: positiveInt('requests pipelined per connection').default(1),
    requests: z.array(requestSchema).min(1, 'expected at least one request').default(defaultRequests),
    slo: sloSchema.default({}),
    ...workloadKeys,
  })
  .superRefine((p, ctx) => {
    if (p.setupScope === 'connection' && p.rate !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['setupScope'],
        message:
          'connection: each virtual user logs in on its own, which needs the closed model (connections); with rate (open model) there are no users to log in: use setupScope: profile',
      });
    for (const key of ['maxInFlight', 'maxConnections'] as const)
      if (p[key] !== undefined && p.rate === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} applies to the open model (rate) only; with connections (closed model) each connection has one request in flight`,
        });
    if (p.connections !== undefined && p.rate !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rate'],
        message: 'set either connections (closed model) or rate (open model), not both',
      });
    }
    if (p.duration + p.warmup > LOAD_BUDGET_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: `duration + warmup is ${Math.round((p.duration + p.warmup) / 1000)}s; a load test may take at most 10m`,
      });
    }
  });
export type LoadProfile = z.output<typeof loadProfileSchema>;
