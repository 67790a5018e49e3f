import { z } from 'zod';
import { duration } from '../fields.js';
import { sloSchema } from './request.js';

/** Runs an existing JMeter plan in non-GUI mode and imports its JTL. */
export const jmeterProfileSchema = z.strictObject({
  name: z.string().min(1, 'expected a non-empty profile name'),
  kind: z.literal('jmeter'),
  /** Path to the .jmx plan, relative to perfgate.yml. */
  plan: z.string().min(1, 'expected a path to a .jmx plan'),
  /** JMeter properties passed as -Jname=value. */
  properties: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  timeout: duration('"10m"').default(10 * 60_000),
  slo: sloSchema.default({}),
});
export type JmeterProfile = z.output<typeof jmeterProfileSchema>;

/** Where to send results besides result.json. */
export const exportSchema = z
  .strictObject({
    prometheus: z
      .strictObject({
        /** Pushgateway base URL (must be an allowed host). */
        pushgateway: z.string().url().optional(),
        /** Write the text exposition format to this file (relative to the output folder). */
        file: z.string().optional(),
        job: z.string().default('perfgate'),
      })
      .optional(),
    otlp: z.strictObject({ url: z.string().url(), headersEnv: z.string().optional() }).optional(),
    junit: z.string().optional(),
  })
  .default({});
