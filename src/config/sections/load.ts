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
    /** Open model only: the most requests in flight at once before arrivals count as dropped. */
    maxInFlight: positiveInt('a number of requests in flight').optional(),
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
