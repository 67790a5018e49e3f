import { z } from 'zod';
import { latency, percent, positiveNumber } from '../fields.js';
import { INTERPOLATED } from '../interpolate.js';
import { capturesSchema, checkSchema, dataSchema, variablesSchema } from './workload.js';
import { gateLevel, withPercentileKeys } from '../percentile-keys.js';
import { PERCENTILE_FORMS } from '../../model/percentiles.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** One request of a profile's weighted mix. An object body is sent as JSON. */
export const requestSchema = z.strictObject({
  name: z.string().optional(),
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .pipe(
      z.enum(METHODS, {
        error: (i) => `${JSON.stringify(i.input)} is not an HTTP method; expected one of ${METHODS.join(', ')}`,
      }),
    )
    .default('GET'),
  path: z
    .string()
    .startsWith('/', 'expected a path starting with "/", e.g. "/api/items"')
    .default('/')
    .describe(`Path and query, e.g. /api/items?page=2. ${INTERPOLATED}`),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe(`Request headers. In each value (not the names), ${INTERPOLATED}`),
  body: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .optional()
    .describe(`A string, or an object or array sent as JSON. In every string value (not the keys), ${INTERPOLATED}`),
  weight: positiveNumber('a relative weight such as 1 or 3').default(1),
  slo: z
    .lazy(() => sloSchema)
    .optional()
    .describe(
      "This endpoint's own limits (the same keys as the profile's slo), checked on its own numbers: requests of one name form an endpoint.",
    ),
  check: checkSchema
    .optional()
    .describe(
      'What a correct answer looks like: status (a number, a list, or a class such as "2xx"), json ({ "$.path": value | exists }), bodyContains, header, maxBodySize. A failed check is an error of class check.',
    ),
});
export type RequestSpec = z.output<typeof requestSchema>;

/**
 * A setup request: sent once before the profile's warmup (or once per virtual user), in order;
 * its captures become variables of the later requests. Without a check, a status of 400 or more
 * fails the setup.
 */
export const setupRequestSchema = requestSchema.omit({ weight: true, slo: true }).extend({
  capture: capturesSchema.optional(),
});
export type SetupRequest = z.output<typeof setupRequestSchema>;

/** The keys of a profile that shape what it sends (load and stress profiles). */
export const workloadKeys = {
  variables: variablesSchema.optional(),
  setup: z
    .array(setupRequestSchema)
    .optional()
    .describe('Requests sent before the warmup (e.g. a login), in order, with captures into variables.'),
  setupScope: z
    .enum(['profile', 'connection'], {
      error: (i) => `${JSON.stringify(i.input)} is not a setup scope; expected profile or connection`,
    })
    .default('profile')
    .describe(
      'profile: setup runs once for the profile. connection: once per virtual user (closed model: each connection logs in on its own).',
    ),
  data: dataSchema.optional(),
};

/**
 * Service-level objective a profile must meet; every field is optional. Latency limits for any
 * percentile (p95, p99.9, …) are read from the profile's HDR histogram.
 */
export const sloSchema = withPercentileKeys(
  {
    p50: latency().optional(),
    p90: latency().optional(),
    p95: latency().optional(),
    p99: latency().optional(),
    p999: latency().optional(),
    max: latency().optional(),
    mean: latency().optional(),
    errorRate: percent().optional(),
    /** Minimum throughput in requests per second. */
    throughput: positiveNumber('a minimum rate in requests per second').optional(),
    level: gateLevel(),
  },
  latency,
  `Limits the profile must meet: a latency such as "250ms" for any percentile, ${PERCENTILE_FORMS}, for max or for mean; errorRate ("1%"); throughput (req/s); level: warn to report a miss without failing.`,
);
export type Slo = z.output<typeof sloSchema>;

export const defaultRequests = (): RequestSpec[] => [{ method: 'GET', path: '/', headers: {}, weight: 1 }];
