/**
 * Reads perfgate.yml into validated Settings. Every error names the path (`profiles[1].duration`),
 * the value, the expected form and the line in the file; all problems are reported at once.
 * `${NAME}` is resolved from the environment passed in (config/interpolate.ts), never from
 * process.env: the front doors settle the environment.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { maskSecrets } from '../secrets/mask.js';
import { interpolateConfig, type InterpolationProblem } from './interpolate.js';
import { keysAt } from './json-schema.js';
import { configSchema, type Settings } from './schema.js';
import { closest } from './units.js';

/**
 * yaml's own default, stated here because it is a guard: a perfgate.yml comes from the pull request,
 * and nine levels of ten aliases each expand to 10⁹ nodes.
 */
const MAX_ALIAS_COUNT = 100;

/** perfgate's environment, where `${NAME}` in the config is looked up. */
type Env = Readonly<Record<string, string | undefined>>;

export async function loadSettings(file: string, env: Env): Promise<Settings> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `--config: cannot read ${JSON.stringify(file)} (${code ?? String(e)}); expected a perfgate.yml file`,
    );
  }
  return parseSettings(text, abs, env);
}

export function parseSettings(text: string, abs: string, env: Env): Settings {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const name = path.basename(abs);
  if (doc.errors.length > 0) {
    throw new ConfigError(
      `${name}: not valid YAML:\n` + doc.errors.map((e) => `  ${e.message.split('\n')[0]}`).join('\n'),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml throws a ReferenceError when aliases expand past maxAliasCount (a "billion laughs").
    throw new ConfigError(
      `${name}: not valid YAML: its aliases (*name) expand too far (${(e as Error).message}); expected at most ${MAX_ALIAS_COUNT} alias expansions`,
      { cause: e },
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${name}: expected a mapping with version, sut and profiles at the top level`);
  }
  const interpolated = interpolateConfig(raw as Record<string, unknown>, env);
  const at = (p: Problem) => {
    const where = lineOf(doc, lineCounter, p.path);
    return `  ${formatPath(p.path)}: ${p.text}${where ? ` (${name}:${where})` : ''}`;
  };
  if (interpolated.problems.length > 0) {
    throw new ConfigError(
      `${name} is not valid:\n${interpolated.problems.map(at).join('\n')}${howToSet(interpolated.problems)}`,
    );
  }
  const parsed = configSchema.safeParse(interpolated.raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.flatMap((issue) => describeIssue(issue, interpolated.raw)).map(at);
    // zod's messages quote the values they refuse: one from the environment must not be printed.
    const secrets = interpolated.used.map((u) => u.value);
    throw new ConfigError(maskSecrets(`${name} is not valid:\n${lines.join('\n')}`, secrets));
  }
  return { config: parsed.data, path: abs, dir: path.dirname(abs), interpolated: interpolated.used };
}

/** Where a variable comes from, said once after the list of fields that need one. */
function howToSet(problems: readonly InterpolationProblem[]): string {
  const names = [...new Set(problems.flatMap((p) => (p.unset ? [p.unset] : [])))];
  if (!names.length) return '';
  const example = names[0] as string;
  return (
    `\nset ${names.length > 1 ? 'each variable' : example} in perfgate's environment (${example}=… perfgate run), ` +
    `or in a GitHub workflow from a secret, on the perfgate step: env: { ${example}: \${{ secrets.${example} }} }`
  );
}

interface Problem {
  path: readonly PropertyKey[];
  text: string;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): Problem[] {
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(issue.path);
    return issue.keys.map((key) => {
      const hint = closest(key, known);
      return {
        path: [...issue.path, key],
        text: `unknown key${hint ? `; did you mean "${hint}"?` : known.length ? `; expected one of ${known.join(', ')}` : ''}`,
      };
    });
  }
  if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) {
    return [
      {
        path: issue.path,
        text: `is required (${issue.message.replace(/^"?undefined"? is not a \w+; /, '').replace(/^Invalid input: /, '')})`,
      },
    ];
  }
  const value = valueAt(raw, issue.path);
  // zod's default messages do not show the value; ours (fields.ts) do.
  const text =
    issue.message.startsWith('Invalid') && value !== undefined
      ? `${JSON.stringify(value)}: ${issue.message}`
      : issue.message;
  return [{ path: issue.path, text }];
}

function formatPath(p: readonly PropertyKey[]): string {
  return (
    p.reduce<string>(
      (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
      '',
    ) || '(top level)'
  );
}

function valueAt(raw: unknown, p: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, p: readonly PropertyKey[]): string | undefined {
  for (let n = p.length; n >= 0; n--) {
    const node = doc.getIn(p.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) {
      const pos = lc.linePos(node.range[0]);
      return `${pos.line}`;
    }
  }
  return undefined;
}
