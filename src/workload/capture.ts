/**
 * Captures (`capture: { token: "$.user.token" }` on a setup request): a value taken from the
 * answer into a variable of the later requests. From the JSON body by a JSONPath (the string form
 * or `{ json }`), from a header (`{ header }`), or by a regular expression over the body
 * (`{ regex, group }`, group 1 by default when the expression has a group, else the whole match).
 *
 * A JSON value that is not a string is captured as its JSON text (a number as its digits, an
 * object as JSON). `null` and the empty string count as not found: a capture of nothing would
 * send `Token ` with every request and surface as thousands of 401s, where a failed setup names
 * the cause before any load.
 *
 * The regular expression comes from the pull request and runs on the setup answers only (once per
 * profile, or once per virtual user), so a slow one costs its author's run and nothing else.
 */
import { ConfigError } from '../errors.js';
import { compileJsonPath } from './jsonpath.js';

export { compileJsonPath } from './jsonpath.js';

export type CaptureSpec = string | { json: string } | { header: string } | { regex: string; group?: number };

export interface CapturedResponse {
  headers: (name: string) => string | undefined;
  body: string;
}

export interface CompiledCapture {
  name: string;
  /** What the capture reads, for messages: `$.user.token`, `header x-token`, `regex /id=(\d+)/ group 1`. */
  source: string;
  needsBody: boolean;
  /** The captured text, or undefined when the answer does not hold it. */
  extract(r: CapturedResponse): string | undefined;
}

const FORMS = `expected a JSONPath such as "$.user.token", { header: "x-token" } or { regex: "id=(\\\\d+)" }`;

export function compileCapture(name: string, spec: CaptureSpec, field: string): CompiledCapture {
  if (typeof spec === 'string') {
    if (!spec.startsWith('$')) throw new ConfigError(`${field}: ${JSON.stringify(spec)} is not a capture; ${FORMS}`);
    return jsonCapture(name, spec, field);
  }
  const keys = spec !== null && typeof spec === 'object' ? Object.keys(spec) : [];
  if ('json' in spec && keys.length === 1 && typeof spec.json === 'string') {
    return jsonCapture(name, spec.json, `${field}.json`);
  }
  if ('header' in spec && keys.length === 1 && typeof spec.header === 'string' && spec.header !== '') {
    const header = spec.header.toLowerCase();
    return { name, source: `header ${header}`, needsBody: false, extract: (r) => nonEmpty(r.headers(header)) };
  }
  if ('regex' in spec && typeof spec.regex === 'string' && keys.every((k) => k === 'regex' || k === 'group')) {
    return regexCapture(name, spec.regex, spec.group, field);
  }
  throw new ConfigError(`${field}: ${JSON.stringify(spec)} is not a capture; ${FORMS}`);
}

function jsonCapture(name: string, path: string, field: string): CompiledCapture {
  const read = compileJsonPath(path, field);
  return {
    name,
    source: path,
    needsBody: true,
    extract: (r) => {
      let root: unknown;
      try {
        root = JSON.parse(r.body);
      } catch {
        return undefined;
      }
      const { found, value } = read(root);
      if (!found || value === null) return undefined;
      return nonEmpty(typeof value === 'string' ? value : JSON.stringify(value));
    },
  };
}

/**
 * A capture's regular expression, checked: the number of its groups, or why it cannot be used.
 * The config schema asks the same question, so that the answer is given when the config is read.
 */
export function inspectRegex(source: string): { groups: number } | { problem: string } {
  try {
    // An alternative that matches the empty string leaves every group undefined: count them.
    return { groups: (new RegExp(`${source}|`).exec('') as RegExpExecArray).length - 1 };
  } catch (e) {
    return {
      problem: `${JSON.stringify(source)} is not a valid regular expression (${(e as Error).message.replace(`${source}|`, source)}); expected e.g. "id=(\\\\d+)"`,
    };
  }
}

/** Why `group` cannot be taken from an expression with `groups` groups, or undefined. */
export function groupProblem(source: string, group: number, groups: number): string | undefined {
  return Number.isInteger(group) && group >= 0 && group <= groups
    ? undefined
    : `${JSON.stringify(group)} is not a group of /${source}/; expected a whole number from 0 (the whole match) to ${groups}`;
}

function regexCapture(name: string, source: string, group: number | undefined, field: string): CompiledCapture {
  const inspected = inspectRegex(source);
  if ('problem' in inspected) throw new ConfigError(`${field}.regex: ${inspected.problem}`);
  const g = group ?? (inspected.groups > 0 ? 1 : 0);
  const problem = groupProblem(source, g, inspected.groups);
  if (problem) throw new ConfigError(`${field}.group: ${problem}`);
  const re = new RegExp(source);
  return {
    name,
    source: `regex /${source}/ group ${g}`,
    needsBody: true,
    extract: (r) => nonEmpty(re.exec(r.body)?.[g]),
  };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
