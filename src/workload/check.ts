/**
 * Response checks (`check:` on a request): the status, values in a JSON body, a piece of text, a
 * header, the body's size. A 200 with an error body used to count as a success (issue 13); a
 * failed check is an error of class `check`. Compiled once; a check reads only what it needs, so a
 * status check never makes the engine keep a body (`needsBody`), and a body check keeps at most
 * `bodyLimit` bytes: a larger body fails the check rather than being buffered.
 *
 * A check without `status` does not look at the status: a 4xx or 5xx is already counted as an
 * error of its own class, and a check that also failed it would count the one answer twice.
 *
 * `json` values are compared deep-equal to the parsed body's value, except the string `exists`
 * (the value is there, whatever it is); `header` values are compared exactly (the name in any
 * case), except `true` or `exists`. So the literal text "exists" cannot be expected; no API was
 * found that needs it.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../errors.js';
import { compileJsonPath } from './jsonpath.js';
import { bytes, show, snippet } from './show.js';

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export type StatusExpectation = number | StatusClass | readonly (number | StatusClass)[];

export interface CheckSpec {
  status?: StatusExpectation | undefined;
  /** JSONPath → a value compared deep-equal, or the string `exists`. */
  json?: Readonly<Record<string, unknown>> | undefined;
  bodyContains?: string | undefined;
  /** Header name (any case) → its exact value, or `true` / `exists`. */
  header?: Readonly<Record<string, string | true>> | undefined;
  /** Bytes. */
  maxBodySize?: number | undefined;
}

export interface CheckedResponse {
  status: number;
  headers: (name: string) => string | undefined;
  /** The first `bodyLimit` bytes, when the check needs the body. */
  body: Buffer | undefined;
  /** The body's full size, counted even when it was not kept. */
  bodyBytes: number;
}

/** Why a check failed, as data (the example kept per endpoint) and as one line of text. */
export interface CheckFailure {
  rule: 'status' | 'maxBodySize' | 'header' | 'bodyContains' | 'json';
  expected: string;
  actual: string;
  text: string;
}

export interface CompiledCheck {
  needsBody: boolean;
  needsHeaders: boolean;
  /** Bytes of the body the check reads; 0 when it reads none. */
  bodyLimit: number;
  /** undefined when the response passes, else a short text such as `expected status 201, got 422`. */
  evaluate(r: CheckedResponse): string | undefined;
  failure(r: CheckedResponse): CheckFailure | undefined;
}

/** What a json or bodyContains check keeps of a body unless maxBodySize says otherwise. */
export const DEFAULT_CHECK_BODY_LIMIT = 1024 * 1024;
/** The body as text and as JSON, each decoded at most once per response. */
interface BodyView {
  text(): string;
  json(): { ok: true; value: unknown } | { ok: false };
}
type Rule = (r: CheckedResponse, body: BodyView) => CheckFailure | undefined;

export function compileCheck(spec: CheckSpec, field: string): CompiledCheck {
  const needsBody = spec.json !== undefined || spec.bodyContains !== undefined;
  const needsHeaders = spec.header !== undefined && Object.keys(spec.header).length > 0;
  if (spec.maxBodySize !== undefined && !(Number.isSafeInteger(spec.maxBodySize) && spec.maxBodySize > 0)) {
    throw new ConfigError(
      `${field}.maxBodySize: ${spec.maxBodySize} is not a size; expected a number of bytes above 0`,
    );
  }
  const bodyLimit = needsBody ? (spec.maxBodySize ?? DEFAULT_CHECK_BODY_LIMIT) : 0;
  const rules: Rule[] = [
    ...(spec.status !== undefined ? [statusRule(spec.status, `${field}.status`)] : []),
    ...(spec.maxBodySize !== undefined ? [maxBodySizeRule(spec.maxBodySize)] : []),
    ...Object.entries(spec.header ?? {}).map(([name, want]) => headerRule(name, want)),
    ...(needsBody ? [bodyLimitRule(bodyLimit)] : []),
    ...(spec.bodyContains !== undefined ? [bodyContainsRule(spec.bodyContains)] : []),
    ...Object.entries(spec.json ?? {}).map(([path, want]) =>
      jsonRule(path, want, `${field}.json[${JSON.stringify(path)}]`),
    ),
  ];
  const failure = (r: CheckedResponse): CheckFailure | undefined => {
    const body = viewOf(r.body);
    for (const rule of rules) {
      const failed = rule(r, body);
      if (failed) return failed;
    }
    return undefined;
  };
  return { needsBody, needsHeaders, bodyLimit, failure, evaluate: (r) => failure(r)?.text };
}

function viewOf(body: Buffer | undefined): BodyView {
  let text: string | undefined;
  let json: { ok: true; value: unknown } | { ok: false } | undefined;
  const view: BodyView = {
    text: () => (text ??= body ? body.toString('utf8') : ''),
    json: () => {
      if (json) return json;
      try {
        json = { ok: true, value: JSON.parse(view.text()) };
      } catch {
        json = { ok: false };
      }
      return json;
    },
  };
  return view;
}

const STATUS_CLASS = /^[1-5]xx$/;

function statusRule(expectation: StatusExpectation, field: string): Rule {
  const wanted: readonly (number | StatusClass)[] = Array.isArray(expectation) ? expectation : [expectation as number];
  if (wanted.length === 0)
    throw new ConfigError(`${field}: [] lists no status; expected e.g. 200, [200, 201] or "2xx"`);
  const allowed = new Uint8Array(600);
  for (const w of wanted) {
    if (typeof w === 'number' && Number.isInteger(w) && w >= 100 && w <= 599) allowed[w] = 1;
    else if (typeof w === 'string' && STATUS_CLASS.test(w))
      allowed.fill(1, Number(w[0]) * 100, Number(w[0]) * 100 + 100);
    else {
      throw new ConfigError(
        `${field}: ${JSON.stringify(w)} is not an HTTP status; expected a number from 100 to 599 or a class such as "2xx"`,
      );
    }
  }
  const expected = joinOr(wanted.map(String));
  return (r, body) => {
    if (r.status >= 100 && r.status < 600 && allowed[r.status] === 1) return undefined;
    const shown = r.body ? `; body: ${snippet(body.text(), r.bodyBytes)}` : '';
    return fail('status', expected, String(r.status), `expected status ${expected}, got ${r.status}${shown}`);
  };
}

function maxBodySizeRule(max: number): Rule {
  return (r) =>
    r.bodyBytes <= max
      ? undefined
      : fail(
          'maxBodySize',
          `at most ${bytes(max)}`,
          bytes(r.bodyBytes),
          `expected a body of at most ${bytes(max)}, got ${bytes(r.bodyBytes)}`,
        );
}

/** A body check on a body larger than what the engine keeps: said plainly, not read truncated. */
function bodyLimitRule(limit: number): Rule {
  return (r) =>
    r.bodyBytes <= limit
      ? undefined
      : fail(
          'maxBodySize',
          `at most ${bytes(limit)} to check`,
          bytes(r.bodyBytes),
          `the body is ${bytes(r.bodyBytes)}; checks read at most ${bytes(limit)} (set check.maxBodySize to read more)`,
        );
}

function headerRule(name: string, want: string | true): Rule {
  const lower = name.toLowerCase();
  if (want === true || want === 'exists') {
    return (r) =>
      r.headers(lower) !== undefined
        ? undefined
        : fail('header', `${lower} present`, 'absent', `expected header ${lower} to exist`);
  }
  return (r) => {
    const got = r.headers(lower);
    if (got === want) return undefined;
    const actual = got === undefined ? 'none' : show(got);
    return fail('header', `${lower}: ${show(want)}`, actual, `expected header ${lower}: ${show(want)}, got ${actual}`);
  };
}

function bodyContainsRule(text: string): Rule {
  return (r, body) =>
    body.text().includes(text)
      ? undefined
      : fail(
          'bodyContains',
          `contains ${show(text)}`,
          snippet(body.text(), r.bodyBytes),
          `expected the body to contain ${show(text)}; body: ${snippet(body.text(), r.bodyBytes)}`,
        );
}

function jsonRule(path: string, want: unknown, field: string): Rule {
  const read = compileJsonPath(path, field);
  const exists = want === 'exists';
  const expected = exists ? `${path} to exist` : `${path} to equal ${show(JSON.stringify(want) ?? 'null', false)}`;
  return (r, body) => {
    const parsed = body.json();
    if (!parsed.ok) {
      const shown = snippet(body.text(), r.bodyBytes);
      return fail('json', expected, shown, `expected a JSON body for ${path}; body: ${shown}`);
    }
    const { found, value } = read(parsed.value);
    if (found && (exists || isDeepStrictEqual(value, want))) return undefined;
    if (!found) {
      const shown = snippet(body.text(), r.bodyBytes);
      return fail('json', expected, 'missing', `expected ${expected}, but it is missing; body: ${shown}`);
    }
    const actual = show(JSON.stringify(value) ?? 'undefined', false);
    return fail('json', expected, actual, `expected ${expected}, got ${actual}`);
  };
}

function fail(rule: CheckFailure['rule'], expected: string, actual: string, text: string): CheckFailure {
  return { rule, expected, actual, text };
}

/** "200", "200 or 201", "200, 201 or 3xx". */
function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
