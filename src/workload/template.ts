/**
 * `{{name}}` templates in request paths, header values and bodies, compiled once when the profile
 * is prepared so that the load loop only concatenates. A text without `{{` compiles to a static
 * template whose render returns the very string it was given: a request with no template costs
 * what it cost before templates existed (bench/templates.ts measures both).
 *
 * A name is a variable (`variables:` at the top level or in the profile, or a capture of a setup
 * request), a column of the profile's data file (the current row's value), or a built-in: `uuid`
 * (crypto.randomUUID), `seq` (the profile's request counter), `randomInt A B` (an integer from A to
 * B inclusive), `timestamp` (milliseconds since the epoch). names.ts resolves them.
 *
 * There is no escape for a literal `{{`: substituted values are never parsed again, so a variable
 * holding "{{" (`variables: { open: "{{" }`, then `{{open}}`) sends it as written.
 *
 * `encode` applies to each substituted value, never to the literal text around it: the caller
 * passes URL encoding for a path, `encodeHeaderValue` for a header, and compileBody uses
 * `encodeJsonString` for the string values of a JSON body.
 */
import { ConfigError } from '../errors.js';
import { resolveName, TemplateValueError, type KnownNames, type Substitution, type TemplateScope } from './names.js';

export { BUILT_IN_NAMES, TemplateValueError, type KnownNames, type TemplateScope } from './names.js';

export interface Template {
  /** Every distinct name the text refers to (variables, columns and built-ins such as `uuid`). */
  names: readonly string[];
  /** True when the text has no `{{`: render returns the text itself. */
  isStatic: boolean;
  /** True when a data column is referenced: the engine must draw a row before rendering. */
  needsRow: boolean;
  render(scope: TemplateScope): string;
}

export function compileTemplate(
  text: string,
  field: string,
  known: KnownNames,
  encode?: (value: string) => string,
): Template {
  if (!text.includes('{{')) return staticTemplate(text);
  return assemble(parseTemplate(text, field, known, encode));
}

/** A literal piece of text, or a `{{…}}` already resolved (and encoded). */
type TemplatePart = string | Substitution;

/** The literal pieces and substitutions of `text`, each substitution already encoded. */
function parseTemplate(
  text: string,
  field: string,
  known: KnownNames,
  encode?: (value: string) => string,
): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', at)) {
    if (open > at) parts.push(text.slice(at, open));
    const close = text.indexOf('}}', open + 2);
    const inner = close < 0 ? '' : text.slice(open + 2, close);
    if (close < 0 || inner.includes('{{')) {
      throw new ConfigError(
        `${field}: "{{" at character ${open} is not closed; expected {{name}}, e.g. {{token}} or {{uuid}}`,
      );
    }
    parts.push(encoded(resolveName(inner.trim(), field, known), field, encode));
    at = close + 2;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

function encoded(s: Substitution, field: string, encode: ((v: string) => string) | undefined): Substitution {
  if (!encode || s.plain) return s;
  const { name, value } = s;
  return {
    ...s,
    value: (scope) => {
      const raw = value(scope);
      try {
        return encode(raw);
      } catch (e) {
        if (!(e instanceof TemplateValueError)) throw e;
        throw new TemplateValueError(`${field}: the value of {{${name}}} ${e.message}`, { field, name }, { cause: e });
      }
    },
  };
}

function staticTemplate(text: string): Template {
  return { names: [], isStatic: true, needsRow: false, render: () => text };
}

/** Joins adjacent literals, then renders by concatenation: no array, no join, per call. */
function assemble(parts: readonly TemplatePart[]): Template {
  const literals: string[] = [''];
  const values: Substitution['value'][] = [];
  const names = new Set<string>();
  let needsRow = false;
  for (const part of parts) {
    if (typeof part === 'string') {
      literals[literals.length - 1] += part;
    } else {
      values.push(part.value);
      literals.push('');
      names.add(part.name);
      needsRow ||= part.row;
    }
  }
  if (values.length === 0) return staticTemplate(literals[0] as string);
  const head = literals[0] as string;
  const render =
    values.length === 1
      ? oneValue(head, values[0] as Substitution['value'], literals[1] as string)
      : (scope: TemplateScope) => {
          let out = head;
          for (let i = 0; i < values.length; i++) out += (values[i] as Substitution['value'])(scope) + literals[i + 1];
          return out;
        };
  return { names: [...names], isStatic: false, needsRow, render };
}

function oneValue(head: string, value: Substitution['value'], tail: string) {
  return (scope: TemplateScope) => head + value(scope) + tail;
}

/**
 * A request body. A string is a template as it is. An object or array is serialized as JSON once;
 * each string value in it (never a key) may hold templates whose substituted values are escaped as
 * JSON string content, so a value with `"` or `\` cannot break out of its string, and a value that
 * is exactly `{{name}}` stays a JSON string (no number or boolean coercion). Without templates the
 * text is exactly JSON.stringify(body).
 */
export function compileBody(
  body: string | object | unknown[] | undefined,
  field: string,
  known: KnownNames,
): { template: Template | undefined; json: boolean } {
  if (body === undefined) return { template: undefined, json: false };
  if (typeof body === 'string') return { template: compileTemplate(body, field, known), json: false };
  const parts: TemplatePart[] = [];
  writeJson(body, field, known, parts, new Set());
  return { template: assemble(parts), json: true };
}

function writeJson(value: unknown, field: string, known: KnownNames, out: TemplatePart[], above: Set<object>): void {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return void out.push(JSON.stringify(value));
    out.push('"');
    for (const part of parseTemplate(value, field, known, encodeJsonString)) {
      out.push(typeof part === 'string' ? encodeJsonString(part) : part);
    }
    return void out.push('"');
  }
  const isArray = Array.isArray(value);
  if (value === null || typeof value !== 'object' || !(isArray || isPlainObject(value))) {
    return void out.push(JSON.stringify(value) ?? 'null');
  }
  if (above.has(value)) throw new ConfigError(`${field}: the body refers to itself (a YAML alias of its own parent)`);
  above.add(value);
  out.push(isArray ? '[' : '{');
  let first = true;
  for (const [key, v] of isArray ? value.entries() : Object.entries(value)) {
    if (!isArray && v === undefined) continue;
    if (!first) out.push(',');
    first = false;
    if (!isArray) out.push(`${JSON.stringify(key)}:`);
    writeJson(v, isArray ? `${field}[${key}]` : `${field}${fieldKey(key as string)}`, known, out, above);
  }
  out.push(isArray ? ']' : '}');
  above.delete(value);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function fieldKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The text of `value` inside a JSON string, quotes excluded: a value with `"` or `\` cannot end the string. */
export function encodeJsonString(value: string): string {
  // Most values need no escape; the test costs less than JSON.stringify (bench/templates.ts).
  return JSON_ESCAPED.test(value) ? JSON.stringify(value).slice(1, -1) : value;
}

/** What JSON.stringify escapes in a string: a quote, a backslash, control characters, lone surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const JSON_ESCAPED = /["\\\0-\x1f\ud800-\udfff]/;

/** RFC 9110 §5.5: CR, LF and NUL end or corrupt a header line; the other controls but tab are invalid too. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HEADER_CONTROL = /[\0-\x08\n-\x1f\x7f]/;

/** The encoder for header values: refuses a value with a control character rather than send it. */
export function encodeHeaderValue(value: string): string {
  if (HEADER_CONTROL.test(value)) {
    throw new TemplateValueError(
      'holds a control character (CR, LF or another below 0x20 but tab), which would split or corrupt the header; the request is not sent',
    );
  }
  return value;
}
