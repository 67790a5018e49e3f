/**
 * What one `{{…}}` of a template stands for: a variable, a data column or a built-in, resolved once
 * at compile time into a function of the scope. template.ts parses the text around it.
 *
 * A name that is two of these at once (a variable and a column, a column called `uuid`) is a config
 * error rather than a silent precedence: the user renames one and knows which value is sent.
 */
import { randomUUID } from 'node:crypto';
import { closest } from '../config/units.js';
import { ConfigError } from '../errors.js';

export interface KnownNames {
  /** `variables:` (top level and profile) and the names of captures. */
  variables: ReadonlySet<string>;
  /** The columns of the profile's data file. */
  columns: ReadonlySet<string>;
}

export interface TemplateScope {
  vars: Readonly<Record<string, string>>;
  row: Readonly<Record<string, string>> | undefined;
  seq: number;
}

/** One `{{…}}`: its name (`token`, `uuid`, `randomInt`), whether it reads the data row, its value. */
export interface Substitution {
  name: string;
  row: boolean;
  /** A built-in: its values are digits, hex and "-", which no encoder changes, so none is applied. */
  plain: boolean;
  value: (scope: TemplateScope) => string;
}

/**
 * A value that must not be sent, found while rendering: a header value with CR or LF, a variable
 * without a value. The engine counts the request as an error and does not send it. The message
 * names the field and the template name, never the value (it may be a secret).
 */
export class TemplateValueError extends Error {
  readonly field: string | undefined;
  readonly templateName: string | undefined;
  constructor(message: string, where?: { field: string; name: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateValueError';
    this.field = where?.field;
    this.templateName = where?.name;
  }
}

/** Names a variable may not take: `{{uuid}}` must mean one thing. */
export const BUILT_IN_NAMES: readonly string[] = ['uuid', 'seq', 'randomInt', 'timestamp'];
const BUILT_INS_SHOWN = 'uuid, seq, randomInt A B, timestamp';

/** `expr` is the trimmed text between the braces. */
export function resolveName(expr: string, field: string, known: KnownNames): Substitution {
  if (expr === '') throw new ConfigError(`${field}: {{}} names nothing; expected {{name}}, e.g. {{token}} or {{uuid}}`);
  const isVariable = known.variables.has(expr);
  const isColumn = known.columns.has(expr);
  const [head = '', ...args] = expr.split(/\s+/);
  const isBuiltIn = BUILT_IN_NAMES.includes(head);
  if (isBuiltIn && head === expr && (isVariable || isColumn)) {
    const what = isColumn ? 'column' : 'variable';
    throw new ConfigError(
      `${field}: {{${expr}}} is both the built-in ${head} and a ${isColumn ? 'data column' : 'variable'}; rename the ${what}`,
    );
  }
  if (isVariable && isColumn) {
    throw new ConfigError(
      `${field}: {{${expr}}} is both a variable and a data column; rename one of them so that it is clear which value is sent`,
    );
  }
  if (isVariable) return { name: expr, row: false, plain: false, value: variableValue(expr, field) };
  if (isColumn) return { name: expr, row: true, plain: false, value: columnValue(expr, field) };
  if (isBuiltIn) return builtIn(head, args, field);
  throw new ConfigError(
    `${field}: {{${expr}}} is not a variable, a data column or a built-in${describeKnown(expr, known)}`,
  );
}

function variableValue(name: string, field: string) {
  return (scope: TemplateScope): string => {
    const v = scope.vars[name];
    // typeof, not `in`: a plain object would find "constructor" on its prototype.
    if (typeof v !== 'string') {
      throw new TemplateValueError(`${field}: {{${name}}} has no value (a capture that did not run?)`, { field, name });
    }
    return v;
  };
}

function columnValue(name: string, field: string) {
  return (scope: TemplateScope): string => {
    const v = scope.row?.[name];
    if (typeof v !== 'string') {
      throw new TemplateValueError(`${field}: {{${name}}} has no data row to take its value from`, { field, name });
    }
    return v;
  };
}

function builtIn(name: string, args: string[], field: string): Substitution {
  if (name !== 'randomInt' && args.length > 0) {
    throw new ConfigError(`${field}: {{${name} ${args.join(' ')}}}: ${name} takes no arguments; write {{${name}}}`);
  }
  switch (name) {
    case 'uuid':
      return { name, row: false, plain: true, value: () => randomUUID() };
    case 'seq':
      return { name, row: false, plain: true, value: (scope) => String(scope.seq) };
    case 'timestamp':
      return { name, row: false, plain: true, value: () => String(Date.now()) };
    default:
      return { name, row: false, plain: true, value: randomInt(args, field) };
  }
}

function randomInt(args: string[], field: string): () => string {
  const usage = `expected {{randomInt A B}} with whole numbers A ≤ B, e.g. {{randomInt 1 1000}}`;
  const [a, b] = args.map((x) => (/^-?\d+$/.test(x) ? Number(x) : NaN));
  if (args.length !== 2 || a === undefined || b === undefined || !Number.isSafeInteger(a) || !Number.isSafeInteger(b)) {
    throw new ConfigError(`${field}: {{${['randomInt', ...args].join(' ')}}} is not valid; ${usage}`);
  }
  const span = b - a + 1;
  if (b < a || !Number.isSafeInteger(span)) {
    throw new ConfigError(
      `${field}: {{randomInt ${a} ${b}}} is not valid: ${b < a ? `${a} is more than ${b}` : 'the range is too wide'}; ${usage}`,
    );
  }
  return () => String(a + Math.floor(Math.random() * span));
}

function describeKnown(expr: string, known: KnownNames): string {
  const list = (names: ReadonlySet<string>) =>
    names.size === 0
      ? 'none'
      : [...names].sort().slice(0, 20).join(', ') + (names.size > 20 ? ` and ${names.size - 20} more` : '');
  const hint = closest(expr, [...known.variables, ...known.columns, ...BUILT_IN_NAMES]);
  return (
    `${hint ? `; did you mean {{${hint}}}?` : ''}` +
    ` (variables: ${list(known.variables)}; data columns: ${list(known.columns)}; built-ins: ${BUILT_INS_SHOWN})`
  );
}
