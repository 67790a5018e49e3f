/**
 * perfgate.yml, version 1. The zod schema is the single source of truth: the typed settings
 * object, the error messages and the JSON Schema for editors (schema/perfgate.schema.json,
 * `npm run build`) all come from it.
 */
import { z } from 'zod';
import { variablesSchema } from './sections/workload.js';
import { isRunnerCredential } from './credentials.js';
import { duration, durationOrZero } from './fields.js';
import { INTERPOLATED, type Interpolation } from './interpolate.js';
import { exportSchema, jmeterProfileSchema } from './sections/ecosystem.js';
import { loadProfileSchema } from './sections/load.js';
import { monitorSchema } from './sections/monitor.js';
import { alertsSchema, reportSchema } from './sections/publish.js';
import { abSchema, baselineSchema, gatesSchema } from './sections/regression.js';
import { robustnessProfileSchema, stressProfileSchema } from './sections/stress.js';

export const sutSchema = z.strictObject({
  /** Shell command that starts the server (run with `sh -c`). Omit it to test a running server. */
  command: z.string().min(1, 'expected a command such as "node server.js"').optional(),
  /** Working directory of the command, relative to perfgate.yml. */
  cwd: z.string().default('.'),
  /**
   * Shell command that prepares the checkout before the SUT's first start (e.g. "npm ci && npm run
   * build"), run in sut.cwd with the SUT's environment and not timed. In an A/B it runs in each
   * checkout, from that checkout's own config, before its first trial: a base without its
   * dependencies installed is not a fair comparison.
   */
  build: z.string().min(1, 'expected a command such as "npm ci"').optional(),
  /** Longest a build may take before the run stops with an error. */
  buildTimeout: duration('"10m"').default(600_000),
  env: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .default({})
    .describe(`The SUT's environment variables. In each value, ${INTERPOLATED}`),
  /**
   * Names of perfgate's own environment variables the SUT may inherit, besides the basic ones
   * (PATH, HOME, locale…). The SUT is untrusted code: it never gets the runner's credentials.
   */
  inheritEnv: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as API_BASE_URL')
        .refine((name) => !isRunnerCredential(name), {
          error: (i) =>
            `${JSON.stringify(i.input)} is a credential of the runner or of perfgate itself; the SUT never inherits it (pass what the SUT needs in sut.env)`,
        }),
    )
    .default([]),
  url: z
    .url({
      protocol: /^https?$/,
      error: (i) => `${JSON.stringify(i.input)} is not an http(s) URL; expected e.g. "http://127.0.0.1:3000"`,
    })
    // Port 0 means "any free port" to a listener, but nothing can be loaded there. zod runs this
    // check on an invalid URL too, so that one is left to the URL check.
    .refine((u) => !URL.canParse(u) || new URL(u).port !== '0', {
      error: (i) => `${JSON.stringify(i.input)} has port 0; expected the port the SUT listens on, e.g. 3000`,
    })
    .describe(`Base URL of the server, e.g. http://127.0.0.1:3000. ${INTERPOLATED}`),
  ready: z
    .strictObject({
      path: z.string().startsWith('/', 'expected a path starting with "/"').default('/'),
      timeout: duration('"60s"').default(60_000),
    })
    .default({ path: '/', timeout: 60_000 }),
  /** Grace period between SIGTERM and SIGKILL at teardown. */
  stopTimeout: durationOrZero('"5s"').default(5_000),
});
export type SutConfig = z.output<typeof sutSchema>;

export const profileSchema = z.discriminatedUnion(
  'kind',
  [loadProfileSchema, stressProfileSchema, robustnessProfileSchema, jmeterProfileSchema],
  {
    error: (i) =>
      i.code === 'invalid_union'
        ? `${JSON.stringify((i.input as { kind?: unknown } | undefined)?.kind)} is not a profile kind; expected one of load, stress, robustness, jmeter`
        : undefined,
  },
);
export type ProfileConfig = z.output<typeof profileSchema>;

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1, { error: (i) => `${JSON.stringify(i.input)} is not a supported version; expected 1` }),
    sut: sutSchema,
    /** Hosts that may be loaded besides loopback (127.0.0.0/8, ::1, localhost). */
    targets: z.strictObject({ allow: z.array(z.string().min(1)).default([]) }).default({ allow: [] }),
    variables: variablesSchema.default({}),
    profiles: z.array(profileSchema).min(1, 'expected at least one profile'),
    engine: z
      .enum(['perfgate', 'autocannon'], {
        error: (i) => `${JSON.stringify(i.input)} is not a load engine; expected perfgate or autocannon`,
      })
      .default('perfgate')
      .describe(
        "What sends the load. perfgate: its own HTTP/1.1 connections, for both models (bench/README.md compares it with wrk). autocannon: the closed model on autocannon and the open model on undici's pool, the engines before it, kept as the reference.",
      ),
    monitor: monitorSchema,
    gates: gatesSchema,
    baseline: baselineSchema,
    ab: abSchema,
    report: reportSchema,
    alerts: alertsSchema,
    export: exportSchema,
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.profiles.forEach((p, i) => {
      const first = seen.get(p.name);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['profiles', i, 'name'],
          message: `${JSON.stringify(p.name)} is already the name of profiles[${first}]; names must be unique`,
        });
      else seen.set(p.name, i);
    });
  });

export type Config = z.output<typeof configSchema>;

/** A validated config plus where it came from; every relative path resolves against `dir`. */
export interface Settings {
  config: Config;
  /** Absolute path of perfgate.yml (or '<inline>'). */
  path: string;
  /** Folder of perfgate.yml. */
  dir: string;
  /** The values `${NAME}` took from the environment (config/interpolate.ts): each one is a secret. */
  interpolated: readonly Interpolation[];
}
