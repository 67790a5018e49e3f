import { z } from 'zod';
import { duration } from '../fields.js';

/** Resource monitoring during every profile (on by default). */
export const monitorSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    interval: duration('"100ms"').default(100),
    /** Inject the Node.js probe into the SUT: auto = when the command runs node/npm/npx/tsx. */
    node: z.enum(['auto', 'on', 'off']).default('auto'),
    /** Take a V8 CPU profile of a Node.js SUT and name the hottest functions. */
    cpuProfile: z.boolean().default(false),
    prometheus: z
      .strictObject({
        /** Endpoints to scrape, relative to sut.url ("/metrics") or absolute (allowed hosts only). */
        endpoints: z.array(z.string()).default(['/metrics']),
        /** Series names (or prefixes ending in *) to keep. */
        series: z.array(z.string()).default([]),
        interval: duration('"1s"').default(1000),
      })
      .optional(),
    postgres: z
      .strictObject({
        /** Name of the environment variable that holds the connection string; never the string itself. */
        urlEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as PERFGATE_PG_URL'),
      })
      .optional(),
  })
  .default({ enabled: true, interval: 100, node: 'auto', cpuProfile: false });
