/**
 * The JSONPath subset that captures (`$.user.token`) and checks (`json: { "$.items[0].id": exists }`)
 * use: `$`, `.name`, `['name']` / `["name"]`, `[N]` and `[-N]` (from the end). One path names at
 * most one value, which is all a capture or an equality check can use.
 *
 * Hand-written rather than a library: perfgate.yml comes from the pull request, and the JavaScript
 * JSONPath libraries evaluate filter expressions as code. jsonpath-plus needed repeated fixes for
 * remote code execution through `$[?(…)]` (GHSA-pppg-cpfq-h7wr, fixed only in 10.2.0) and
 * `jsonpath` had the same through static-eval (CVE-2026-1615, GHSA-87r5-mp6g-5w5j). The subset is
 * ~80 lines, evaluates nothing, and its errors name the field.
 */
import { ConfigError } from '../errors.js';

export type JsonPathSegment = string | number;

/** A compiled path: `found` is false when a step is missing (a key, an index out of range, a wrong type). */
export type JsonPathReader = (root: unknown) => { found: boolean; value: unknown };

const SUPPORTED = `supported forms: $, .name, ['name'], [N], [-N] (N from the end), e.g. "$.user.token" or "$.items[0].id"`;

/** A name after a dot: what JavaScript and most APIs use as keys (letters, digits, _, $ and -). */
const DOT_NAME = /[A-Za-z_$][\w$-]*/y;
const INDEX = /(-?\d+)\]/y;

/** The steps of `path`, or the reason it is not in the subset (without the field: the caller adds it). */
export function parseJsonPath(path: string): JsonPathSegment[] | string {
  const refuse = (why: string) => `${JSON.stringify(path)} is not a supported JSONPath: ${why}; ${SUPPORTED}`;
  if (!path.startsWith('$')) return refuse('it must start with $');
  const steps: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (path.startsWith('..', i)) return refuse('recursive descent (..) is not supported');
    if (c === '.') {
      if (path[i + 1] === '*') return refuse('wildcards (*) are not supported');
      DOT_NAME.lastIndex = i + 1;
      const m = DOT_NAME.exec(path);
      if (!m) return refuse(`expected a name after "." at character ${i + 1}`);
      steps.push(m[0]);
      i = DOT_NAME.lastIndex;
    } else if (c === '[') {
      const step = parseBracket(path, i + 1);
      if (typeof step === 'string') return refuse(step);
      steps.push(step.value);
      i = step.end;
    } else {
      return refuse(`unexpected ${JSON.stringify(c)} at character ${i}`);
    }
  }
  return steps;
}

/** `['name']`, `["name"]` (with \\ and \' or \" escapes), `[N]` or `[-N]`, starting after the `[`. */
function parseBracket(path: string, start: number): { value: JsonPathSegment; end: number } | string {
  const quote = path[start];
  if (quote === "'" || quote === '"') {
    let name = '';
    for (let i = start + 1; i < path.length; i++) {
      const c = path[i] as string;
      if (c === '\\' && i + 1 < path.length) name += path[++i];
      else if (c === quote) {
        if (path[i + 1] !== ']') return `expected "]" after the quoted name at character ${i + 1}`;
        return { value: name, end: i + 2 };
      } else name += c;
    }
    return `the quoted name at character ${start} is not closed`;
  }
  INDEX.lastIndex = start;
  const m = INDEX.exec(path);
  if (m) return { value: Number(m[1]), end: INDEX.lastIndex };
  const close = path.indexOf(']', start);
  const inner = path.slice(start, close < 0 ? undefined : close);
  if (inner.startsWith('?')) return 'filters ([?(…)]) are not supported';
  if (inner.startsWith('*')) return 'wildcards ([*]) are not supported';
  if (inner.includes(':')) return 'slices ([a:b]) are not supported';
  if (inner.includes(',')) return 'unions ([a,b]) are not supported';
  return `expected a quoted name or an index inside [ ] at character ${start - 1}`;
}

/** Compiles `path` once; a path outside the subset is a ConfigError naming `field`. */
export function compileJsonPath(path: string, field: string): JsonPathReader {
  const steps = parseJsonPath(path);
  if (typeof steps === 'string') throw new ConfigError(`${field}: ${steps}`);
  return (root) => {
    let cur = root;
    for (const step of steps) {
      if (typeof step === 'number') {
        if (!Array.isArray(cur)) return { found: false, value: undefined };
        const at = step < 0 ? cur.length + step : step;
        if (at < 0 || at >= cur.length) return { found: false, value: undefined };
        cur = cur[at];
      } else {
        // Own keys only: "$.constructor" on {} must not find Object's prototype.
        if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, step)) {
          return { found: false, value: undefined };
        }
        cur = (cur as Record<string, unknown>)[step];
      }
    }
    return { found: true, value: cur };
  };
}
