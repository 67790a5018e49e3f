import { z } from 'zod';
import { arrivalRate, duration, durationOrZero, percent, positiveInt } from '../fields.js';
import { defaultRequests, requestSchema, sloSchema, workloadKeys } from './request.js';

/** Hard limit (README: Safety): a stress test finishes in at most 15 minutes. */
const STRESS_BUDGET_MS = 15 * 60_000;

const ramp = (n: z.ZodNumber) => {
  return z.strictObject({ start: n, step: n, max: n }).refine((r) => r.max >= r.start, {
    message: 'expected max ≥ start',
    path: ['max'],
  });
};

/** A stepped ramp to the breaking point, then a recovery check at low load. */
export const stressProfileSchema = z
  .strictObject({
    name: z.string().min(1, 'expected a non-empty profile name'),
    kind: z.literal('stress'),
    rate: ramp(arrivalRate()).optional(),
    connections: ramp(positiveInt('a number of concurrent connections')).optional(),
    stepDuration: duration().default(10_000),
    /**
     * Unmeasured load at the first step's level before it: a cold SUT (JIT, caches, pools) would
     * otherwise break the first step's SLO and hide the whole capacity. Measured here: the shop's
     * first 1000 req/s step read p99 43–110 ms cold and 6 ms warm, on a busy 2-core machine.
     */
    warmup: durationOrZero().default(2_000),
    /**
     * Rate ramps (open model) only: the most requests in flight at once before arrivals count as
     * dropped; default: sized from each step's rate and the timeout (src/load/model.ts).
     */
    maxInFlight: positiveInt('a number of requests in flight')
      // Each outstanding arrival holds a few hundred bytes: a million is ~300 MB, a bound, not a target.
      .max(1_000_000, 'expected at most 1000000 requests in flight (each holds memory while it waits)')
      .optional(),
    timeout: duration('"5s"').default(5_000),
    requests: z.array(requestSchema).min(1, 'expected at least one request').default(defaultRequests),
    slo: sloSchema.default({}),
    ...workloadKeys,
    /** Stop when the error rate of a step passes this (default: the SLO's error rate, else 5%). */
    errorLimit: percent().optional(),
    recovery: z
      .strictObject({
        duration: duration().default(30_000),
        /** Load during recovery, as a fraction of the highest step offered (default 10%). */
        load: percent({ zero: false }).default(0.1),
      })
      .default({ duration: 30_000, load: 0.1 }),
    budget: duration('"15m"').default(STRESS_BUDGET_MS),
    /** Also run the malformed-request checks after the ramp. */
    robustness: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.setupScope === 'connection' && p.rate !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['setupScope'],
        message:
          'connection: each virtual user logs in on its own, which needs the closed model (connections); with a rate ramp (open model) there are no users to log in: use setupScope: profile',
      });
    if (p.maxInFlight !== undefined && p.connections !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['maxInFlight'],
        message:
          'applies to a rate ramp (open model) only; a connections ramp (closed model) has one request in flight per connection: remove maxInFlight or ramp the rate',
      });
    if ((p.rate === undefined) === (p.connections === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rate'],
        message: 'set exactly one ramp: rate: { start, step, max } or connections: { start, step, max }',
      });
    }
    if (p.budget > STRESS_BUDGET_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['budget'],
        message: `${Math.round(p.budget / 1000)}s is over the 15m maximum for a stress test`,
      });
    }
  });
export type StressProfile = z.output<typeof stressProfileSchema>;

/** Malformed-request checks: does the SUT fail cleanly (4xx, in time) and stay healthy? */
export const robustnessProfileSchema = z.strictObject({
  name: z.string().min(1, 'expected a non-empty profile name'),
  kind: z.literal('robustness'),
  /** Path that accepts a JSON body (POST); default: the first POST request of the config, else "/". */
  path: z.string().startsWith('/', 'expected a path starting with "/"').optional(),
  /** How long a malformed request may take before it counts as a hang. */
  deadline: duration('"5s"').default(5_000),
});
export type RobustnessProfile = z.output<typeof robustnessProfileSchema>;
