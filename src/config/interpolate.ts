/**
 * `${NAME}` in the fields that carry credentials and addresses (the values of sut.env, sut.url,
 * and each request's path, header values and body strings) resolves from perfgate's environment
 * when the config is loaded. A token used to be committed into perfgate.yml, or `${VAR}` was
 * sent as written (a run got 6,739 × 401 and printed PASS; issue 13).
 *
 * It works on the parsed YAML, not on its text: a value holding quotes, a colon or a newline
 * stays one string and cannot change the shape of the document. Every other field keeps `${…}`
 * as written (JMeter's `${__P(…)}` belongs to its plan). Every value taken from the environment
 * is reported back, so that it can be masked wherever perfgate writes (secrets/collect.ts).
 */
import { isRunnerCredential } from './credentials.js';

/** What the JSON Schema says of every interpolated field (editors show it on hover). */
export const INTERPOLATED =
  '${NAME} is replaced by the environment variable NAME when the config is loaded (unset or empty: a config error; ' +
  '${NAME:-default} for a default; $${ for a literal ${). A value from the environment is a secret: masked (***) in everything perfgate writes.';

/** A value perfgate took from its environment: where it went, from which variable. */
export interface Interpolation {
  path: readonly PropertyKey[];
  name: string;
  value: string;
}

/** A field whose `${…}` could not be resolved; the reader adds the field's name and line. */
export interface InterpolationProblem {
  path: readonly PropertyKey[];
  text: string;
  /** The variable is not set (or empty): the reader says how to set one. */
  unset?: string;
}

export interface Interpolated {
  raw: Record<string, unknown>;
  used: Interpolation[];
  problems: InterpolationProblem[];
}

/**
 * `$${` is a literal `${`; `${NAME}` and `${NAME:-default}` are references; any other `${` is a
 * mistake (`${API-TOKEN}`, `${ TOKEN }`, a missing `}`) that would otherwise be sent as written.
 */
const TOKEN = /\$\$\{|\$\{([^}]*)(\}?)/g;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** The request lists of a profile whose requests are interpolated (every kind that has one). */
const REQUEST_LISTS = ['requests', 'setup'] as const;

type Env = Readonly<Record<string, string | undefined>>;
type Path = readonly PropertyKey[];

/** The config with `${…}` resolved in its interpolated fields (new objects; `raw` is not changed). */
export function interpolateConfig(raw: Record<string, unknown>, env: Env): Interpolated {
  const used: Interpolation[] = [];
  const problems: InterpolationProblem[] = [];
  const resolve = (value: unknown, path: Path): unknown =>
    typeof value === 'string' ? resolveString(value, path, env, used, problems) : value;
  const out: Record<string, unknown> = { ...raw };
  if (isRecord(raw.sut)) {
    const sut: Record<string, unknown> = { ...raw.sut };
    if (isRecord(sut.env)) sut.env = mapValues(sut.env, (v, k) => resolve(v, ['sut', 'env', k]));
    if ('url' in sut) sut.url = resolve(sut.url, ['sut', 'url']);
    out.sut = sut;
  }
  if (Array.isArray(raw.profiles)) {
    out.profiles = raw.profiles.map((profile: unknown, i) => {
      if (!isRecord(profile)) return profile;
      const p: Record<string, unknown> = { ...profile };
      for (const list of REQUEST_LISTS) {
        const requests = p[list];
        if (Array.isArray(requests))
          p[list] = requests.map((r: unknown, j) => interpolateRequest(r, ['profiles', i, list, j], resolve, problems));
      }
      return p;
    });
  }
  return { raw: out, used, problems };
}

function interpolateRequest(
  request: unknown,
  at: Path,
  resolve: (value: unknown, path: Path) => unknown,
  problems: InterpolationProblem[],
): unknown {
  if (!isRecord(request)) return request;
  const r: Record<string, unknown> = { ...request };
  if ('path' in r) r.path = resolve(r.path, [...at, 'path']);
  if (isRecord(r.headers)) r.headers = mapValues(r.headers, (v, k) => resolve(v, [...at, 'headers', k]));
  if ('body' in r) r.body = mapStrings(r.body, [...at, 'body'], resolve, problems, new Set());
  return r;
}

/** Every string inside a body (object and array values, not keys), resolved. */
function mapStrings(
  value: unknown,
  path: Path,
  resolve: (value: unknown, path: Path) => unknown,
  problems: InterpolationProblem[],
  ancestors: Set<object>,
): unknown {
  if (value === null || typeof value !== 'object') return resolve(value, path);
  // A YAML alias may point at its own ancestor (`&a [*a]`): such a body cannot be sent as JSON.
  if (ancestors.has(value)) {
    problems.push({ path, text: 'refers to itself (a YAML alias to its own ancestor); expected a finite body' });
    return value;
  }
  const inner = new Set(ancestors).add(value);
  if (Array.isArray(value)) return value.map((v, i) => mapStrings(v, [...path, i], resolve, problems, inner));
  return mapValues(value as Record<string, unknown>, (v, k) => mapStrings(v, [...path, k], resolve, problems, inner));
}

function resolveString(
  text: string,
  path: Path,
  env: Env,
  used: Interpolation[],
  problems: InterpolationProblem[],
): string {
  if (!text.includes('${')) return text;
  return text.replace(TOKEN, (whole, inside: string | undefined, close: string | undefined) => {
    if (whole === '$${') return '${';
    const ref = close ? REFERENCE.exec(inside ?? '') : null;
    const name = ref?.[1];
    if (!ref || name === undefined) {
      problems.push({ path, text: notAReference(whole, Boolean(close)) });
      return whole;
    }
    const fallback = ref[2];
    if (isRunnerCredential(name)) {
      problems.push({
        path,
        text: `\${${name}} is a credential of the runner or of perfgate itself; it is never put into the config (the SUT and the load target are the code under test)`,
      });
      return whole;
    }
    const value = env[name];
    if (value !== undefined && value !== '') {
      used.push({ path, name, value });
      return value;
    }
    if (fallback !== undefined) return fallback;
    problems.push({ path, unset: name, text: unsetText(name, value) });
    return whole;
  });
}

function notAReference(whole: string, closed: boolean): string {
  const expected = 'expected ${NAME} (letters, digits and _, not starting with a digit), or $${ for a literal ${';
  return closed
    ? `${JSON.stringify(whole)} is not a variable reference; ${expected}`
    : `${JSON.stringify(whole)} has no closing "}"; ${expected}`;
}

/**
 * An empty variable is refused like an unset one: GitHub expands a secret that does not exist, and
 * every secret on a pull request from a fork, to "", and `Bearer ` would be sent to every request.
 */
function unsetText(name: string, value: string | undefined): string {
  return value === undefined
    ? `\${${name}} is not set`
    : `\${${name}} is set but empty (a GitHub secret that does not exist, or any secret on a pull request from a fork, reads as empty); write \${${name}:-} to allow an empty value`;
}

function mapValues(
  record: Record<string, unknown>,
  f: (value: unknown, key: string) => unknown,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v, k)]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
