/**
 * The config keys of real workloads (issue 13): `check:` on a request, `capture:` on a setup
 * request, a profile's `data:` file, and `variables:` at the top level or in a profile. Each field
 * says what it refuses with the value and the expected form; the reader adds the path and line.
 * The same rules are applied again when the workload is compiled (src/workload/), whose errors
 * name the field themselves: these schemas give the answer when the config is read, with all the
 * other problems at once.
 */
import { z } from 'zod';
import { BUILT_IN_NAMES } from '../../workload/template.js';
import { groupProblem, inspectRegex } from '../../workload/capture.js';
import { parseJsonPath } from '../../workload/jsonpath.js';

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
}

const KIB = 1024;
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: KIB,
  kb: KIB,
  kib: KIB,
  m: KIB ** 2,
  mb: KIB ** 2,
  mib: KIB ** 2,
};
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i;

/**
 * Bytes from "512KB", "1MB", "1.5 MiB" or "200b"; undefined when the text is not a size. KB and KiB
 * both mean 1024 bytes, as in nginx and Docker: this is a limit, where the 2 % between the two
 * readings does not matter and refusing "1MB" would.
 */
export function parseByteSize(text: string): number | undefined {
  const m = SIZE.exec(text);
  const unit = m ? SIZE_UNITS[(m[2] as string).toLowerCase() || 'b'] : undefined;
  return m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : undefined;
}

const byteSize = (example: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : parseByteSize(v);
    if (n === undefined || !Number.isSafeInteger(n) || n <= 0) {
      ctx.addIssue({ code: 'custom', message: `${show(v)} is not a size; expected bytes above 0, e.g. ${example}` });
      return z.NEVER;
    }
    return n;
  });

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const notStatus = {
  error: (i: { input?: unknown }) =>
    `${show(i.input)} is not an HTTP status; expected a number from 100 to 599 or a class such as "2xx"`,
};
const oneStatus = z.union(
  [z.number(notStatus).int(notStatus).min(100, notStatus).max(599, notStatus), z.enum(STATUS_CLASSES, notStatus)],
  notStatus,
);

const jsonPathKeys = <V extends z.ZodType>(value: V) =>
  z.record(z.string(), value).superRefine((record, ctx) => {
    for (const path of Object.keys(record)) {
      const parsed = parseJsonPath(path);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', path: [path], message: parsed });
    }
  });

/** `check:` of a request: what its answer must hold, beyond not failing. */
export const checkSchema = z
  .strictObject({
    status: z
      .union([oneStatus, z.array(oneStatus).min(1, 'expected at least one status, e.g. [200, 201]')], notStatus)
      .optional()
      .describe(
        'Expected status: a number (201), a list ([200, 204]) or a class ("2xx"), or a list mixing them. Without it, the status is not checked (4xx and 5xx are counted as errors anyway).',
      ),
    json: jsonPathKeys(z.unknown())
      .optional()
      .describe(
        `Values in the JSON body, by JSONPath ($.user.email, $['a b'], $.items[0], $.items[-1]): a value compared deep-equal, or "exists".`,
      ),
    bodyContains: z
      .string()
      .min(1, 'expected some text to look for')
      .optional()
      .describe('Text the body must contain.'),
    header: z
      .record(
        z.string().min(1, 'expected a header name'),
        z.union([z.string(), z.literal(true)], {
          error: (i) => `${show(i.input)} is not a header check; expected the exact value as text, or true`,
        }),
      )
      .optional()
      .describe('Response headers (names in any case): an exact value, or true / "exists".'),
    maxBodySize: byteSize('"512KB" or "1MB"')
      .optional()
      .describe(
        'Largest body accepted, e.g. "512KB", "1MB" (KB = 1024 bytes) or a number of bytes. json and bodyContains read at most this much (default 1MB); a larger body fails the check.',
      ),
  })
  .describe('Checks on each answer; a failed check is an error of class "check".');
export type CheckInput = z.output<typeof checkSchema>;

const jsonPath = z.string().superRefine((path, ctx) => {
  const parsed = parseJsonPath(path);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

const regexCapture = z
  .strictObject({
    regex: z.string().superRefine((source, ctx) => {
      const inspected = inspectRegex(source);
      if ('problem' in inspected) ctx.addIssue({ code: 'custom', message: inspected.problem });
    }),
    group: z
      .number({ error: (i) => `${show(i.input)} is not a group number; expected e.g. 1` })
      .optional()
      .describe('The group to take: 0 is the whole match; default 1 when the expression has a group, else 0.'),
  })
  .superRefine(({ regex, group }, ctx) => {
    const inspected = inspectRegex(regex);
    const problem = group !== undefined && 'groups' in inspected && groupProblem(regex, group, inspected.groups);
    if (problem) ctx.addIssue({ code: 'custom', path: ['group'], message: problem });
  });

const CAPTURE_FORMS = `expected a JSONPath such as "$.user.token", { header: "x-token" } or { regex: "id=(\\\\d+)", group: 1 }`;

/** One capture: where a setup answer's value is taken from. */
export const captureSchema = z
  .union(
    [
      jsonPath,
      z.strictObject({ json: jsonPath }),
      z.strictObject({ header: z.string().min(1, 'expected a header name') }),
      regexCapture,
    ],
    { error: (i) => `${show(i.input)} is not a capture; ${CAPTURE_FORMS}` },
  )
  .describe(
    'A JSONPath into the JSON body ("$.user.token"; $, .name, [\'name\'], [N], [-N]), { header: name }, or { regex, group } over the body (group 1 by default when there is one). A value that is missing, null or empty fails the setup.',
  );
export type CaptureInput = z.output<typeof captureSchema>;

/** Why `name` cannot name a variable or a capture, or undefined. */
function nameProblem(name: string): string | undefined {
  if (BUILT_IN_NAMES.includes(name)) return `"${name}" is a built-in ({{${name}}}); choose another name`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return `${show(name)} is not a variable name; expected letters, digits and _, not starting with a digit (e.g. api_token)`;
  }
  return undefined;
}

const checkNames = (record: Record<string, unknown>, ctx: z.RefinementCtx) => {
  for (const name of Object.keys(record)) {
    const problem = nameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
};

/** `capture:` of a setup request: variable name → where its value comes from. */
export const capturesSchema = z
  .record(z.string(), captureSchema)
  .superRefine(checkNames)
  .describe(
    'Values taken from the answer into variables of the later requests: name → capture. Captured values are masked in everything perfgate writes.',
  );

/** `variables:` at the top level or in a profile: names for {{name}}, every value as text. */
export const variablesSchema = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], {
      error: (i) => `${show(i.input)} is not a variable value; expected a string, number or boolean`,
    }),
  )
  .superRefine(checkNames)
  .transform(
    (record) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, String(v)])) as Record<string, string>,
  )
  .describe(
    `Values for {{name}} in request paths, headers and bodies (names: letters, digits and _; not ${BUILT_IN_NAMES.join(', ')}). A profile's variables override the top level's.`,
  );

/** `data:` of a profile: a file whose rows feed {{column}}. */
export const dataSchema = z
  .strictObject({
    file: z
      .string({ error: (i) => `${show(i.input)} is not a path; expected a .csv or .json file such as "users.csv"` })
      .regex(
        /\.(csv|json)$/i,
        'expected a .csv file (a header row, then rows) or a .json file (an array of flat objects)',
      )
      .describe(
        'A .csv (header row, then rows) or .json (array of flat objects) file, relative to the config file. At most 100 MB and 1,000,000 rows.',
      ),
    order: z
      .enum(['sequential', 'random'], {
        error: (i) => `${show(i.input)} is not an order; expected sequential or random`,
      })
      .default('sequential')
      .describe('sequential: rows in file order. random: a shuffled order, each row once per pass.'),
    onEnd: z
      .enum(['wrap', 'stop'], { error: (i) => `${show(i.input)} is not an end; expected wrap or stop` })
      .default('wrap')
      .describe('After the last row: wrap (start again) or stop (send no more requests).'),
    scope: z
      .enum(['request', 'connection'], {
        error: (i) => `${show(i.input)} is not a scope; expected request or connection`,
      })
      .default('request')
      .describe('request: each request draws the next row. connection: each virtual user draws one row and keeps it.'),
  })
  .describe('A data file whose columns become {{column}} in the requests.');
