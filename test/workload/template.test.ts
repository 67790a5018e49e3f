import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  compileBody,
  compileTemplate,
  encodeHeaderValue,
  encodeJsonString,
  TemplateValueError,
  type KnownNames,
  type TemplateScope,
} from '../../src/workload/template.js';

const known: KnownNames = { variables: new Set(['token', 'tag']), columns: new Set(['email', 'first name']) };
const scope: TemplateScope = {
  vars: { token: 'abc123', tag: 'perf' },
  row: { email: 'u1@demo.test', 'first name': 'Ann' },
  seq: 41,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('compileTemplate: static text', () => {
  it('renders the text it was given without reading the scope, with no names and no row', () => {
    const text = ['/api', 'articles?limit=10'].join('/');
    const t = compileTemplate(text, 'requests[0].path', known);
    expect(t.isStatic).toBe(true);
    expect(t.names).toEqual([]);
    expect(t.needsRow).toBe(false);
    // String identity is not observable in JavaScript (Object.is compares strings by value), so the
    // test asserts what is: the same value, and no per-call work, since any read of the scope throws.
    const untouchable = new Proxy({} as TemplateScope, {
      get: (_, key) => {
        throw new Error(`read scope.${String(key)}`);
      },
    });
    expect(t.render(untouchable)).toBe(text);
  });

  it('keeps "}}" and single braces as written', () => {
    expect(compileTemplate('{"a": 1} }} {x}', 'f', known).render(scope)).toBe('{"a": 1} }} {x}');
  });
});

describe('compileTemplate: names', () => {
  it('substitutes variables and data columns, with whitespace inside the braces', () => {
    const t = compileTemplate('/u/{{ email }}/{{token}}?n={{first name}}', 'requests[0].path', known);
    expect(t.render(scope)).toBe('/u/u1@demo.test/abc123?n=Ann');
    expect(t.isStatic).toBe(false);
    expect(t.names).toEqual(['email', 'token', 'first name']);
    expect(t.needsRow).toBe(true);
  });

  it('lists each name once and needs no row without columns', () => {
    const t = compileTemplate('{{token}}-{{token}}-{{seq}}', 'f', known);
    expect(t.names).toEqual(['token', 'seq']);
    expect(t.needsRow).toBe(false);
    expect(t.render(scope)).toBe('abc123-abc123-41');
  });

  it('renders {{uuid}} as a fresh version-4 UUID each call', () => {
    const t = compileTemplate('{{uuid}}', 'f', known);
    const a = t.render(scope);
    const b = t.render(scope);
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('renders {{seq}} from the scope', () => {
    const t = compileTemplate('n{{seq}}', 'f', known);
    expect(t.render({ ...scope, seq: 0 })).toBe('n0');
    expect(t.render({ ...scope, seq: 123456 })).toBe('n123456');
  });

  it('renders {{timestamp}} as milliseconds since the epoch', () => {
    vi.useFakeTimers({ now: 1_800_000_000_123 });
    try {
      expect(compileTemplate('t={{ timestamp }}', 'f', known).render(scope)).toBe('t=1800000000123');
    } finally {
      vi.useRealTimers();
    }
  });

  it('renders {{randomInt A B}} inside the inclusive range, reaching both ends', () => {
    const t = compileTemplate('{{randomInt -2 2}}', 'f', known);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(Number(t.render(scope)));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    expect(compileTemplate('{{randomInt 7 7}}', 'f', known).render(scope)).toBe('7');
  });

  it('applies the encoder to substituted values only', () => {
    const t = compileTemplate('/a b/{{token}}', 'f', known, encodeURIComponent);
    expect(t.render({ ...scope, vars: { token: 'x/y z' } })).toBe('/a b/x%2Fy%20z');
  });

  it('does not pass built-in values, which need no encoding, to the encoder', () => {
    const refuseAll = (): string => {
      throw new TemplateValueError('refused');
    };
    const t = compileTemplate('{{uuid}}/{{seq}}/{{randomInt 1 9}}/{{timestamp}}', 'f', known, refuseAll);
    expect(t.render(scope)).toMatch(/^[0-9a-f-]{36}\/41\/[1-9]\/\d{13}$/);
    expect(() => compileTemplate('{{tag}}', 'f', known, refuseAll).render(scope)).toThrow(TemplateValueError);
  });

  it('sends a substituted "{{" as written: values are not parsed again', () => {
    const t = compileTemplate('{{token}}', 'f', known);
    expect(t.render({ ...scope, vars: { token: '{{uuid}}' } })).toBe('{{uuid}}');
  });
});

describe('compileTemplate: config errors', () => {
  it.each([
    [
      '{{tokn}}',
      'requests[0].path: {{tokn}} is not a variable, a data column or a built-in; did you mean {{token}}? ' +
        '(variables: tag, token; data columns: email, first name; built-ins: uuid, seq, randomInt A B, timestamp)',
    ],
    [
      '/a/{{token',
      'requests[0].path: "{{" at character 3 is not closed; expected {{name}}, e.g. {{token}} or {{uuid}}',
    ],
    [
      '{{a {{token}}',
      'requests[0].path: "{{" at character 0 is not closed; expected {{name}}, e.g. {{token}} or {{uuid}}',
    ],
    ['{{ }}', 'requests[0].path: {{}} names nothing; expected {{name}}, e.g. {{token}} or {{uuid}}'],
    [
      '{{randomInt 5 1}}',
      'requests[0].path: {{randomInt 5 1}} is not valid: 5 is more than 1; expected {{randomInt A B}} with whole numbers A ≤ B, e.g. {{randomInt 1 1000}}',
    ],
    [
      '{{randomInt 1}}',
      'requests[0].path: {{randomInt 1}} is not valid; expected {{randomInt A B}} with whole numbers A ≤ B, e.g. {{randomInt 1 1000}}',
    ],
    [
      '{{randomInt 1.5 3}}',
      'requests[0].path: {{randomInt 1.5 3}} is not valid; expected {{randomInt A B}} with whole numbers A ≤ B, e.g. {{randomInt 1 1000}}',
    ],
    ['{{uuid 4}}', 'requests[0].path: {{uuid 4}}: uuid takes no arguments; write {{uuid}}'],
    [
      '{{randomInt}}',
      'requests[0].path: {{randomInt}} is not valid; expected {{randomInt A B}} with whole numbers A ≤ B, e.g. {{randomInt 1 1000}}',
    ],
  ])('refuses %j, naming the field and the name', (text, message) => {
    expect(configError(() => compileTemplate(text, 'requests[0].path', known))).toBe(message);
  });

  it('says when no variables or columns are defined', () => {
    const none: KnownNames = { variables: new Set(), columns: new Set() };
    expect(configError(() => compileTemplate('{{zzzzzzzz}}', 'f', none))).toBe(
      'f: {{zzzzzzzz}} is not a variable, a data column or a built-in (variables: none; data columns: none; built-ins: uuid, seq, randomInt A B, timestamp)',
    );
  });

  it('lists at most 20 known names of each kind', () => {
    const many: KnownNames = {
      variables: new Set(Array.from({ length: 25 }, (_, i) => `v${i + 10}`)),
      columns: new Set(),
    };
    expect(configError(() => compileTemplate('{{zzzzzzzz}}', 'f', many))).toContain(
      'v28, v29 and 5 more; data columns',
    );
  });

  it('refuses a name that is both a variable and a data column', () => {
    const both: KnownNames = { variables: new Set(['id']), columns: new Set(['id']) };
    expect(configError(() => compileTemplate('{{id}}', 'f', both))).toBe(
      'f: {{id}} is both a variable and a data column; rename one of them so that it is clear which value is sent',
    );
  });

  it('refuses a data column named like a built-in when the template uses it', () => {
    const clash: KnownNames = { variables: new Set(), columns: new Set(['uuid']) };
    expect(configError(() => compileTemplate('{{uuid}}', 'f', clash))).toBe(
      'f: {{uuid}} is both the built-in uuid and a data column; rename the column',
    );
  });
});

describe('compileTemplate: values refused while rendering', () => {
  it('throws TemplateValueError for a variable without a value, naming the field and not a value', () => {
    const t = compileTemplate('Token {{token}}', 'headers.authorization', known);
    expect(() => t.render({ ...scope, vars: {} })).toThrow(
      new TemplateValueError('headers.authorization: {{token}} has no value (a capture that did not run?)', {
        field: 'headers.authorization',
        name: 'token',
      }),
    );
  });

  it('does not take a variable from the prototype of the scope object', () => {
    const proto: KnownNames = { variables: new Set(['constructor']), columns: new Set() };
    expect(() => compileTemplate('{{constructor}}', 'f', proto).render({ ...scope, vars: {} })).toThrow(
      TemplateValueError,
    );
  });

  it('throws TemplateValueError for a column without a row', () => {
    expect(() => compileTemplate('{{email}}', 'f', known).render({ ...scope, row: undefined })).toThrow(
      'f: {{email}} has no data row to take its value from',
    );
  });

  it.each(['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\0b', 'a\x7fb'])(
    'refuses header value %j with TemplateValueError naming field and name',
    (value) => {
      const t = compileTemplate('Token {{token}}', 'requests[1].headers.authorization', known, encodeHeaderValue);
      let caught: unknown;
      try {
        t.render({ ...scope, vars: { token: value } });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(TemplateValueError);
      const err = caught as TemplateValueError;
      expect(err.message).toBe(
        'requests[1].headers.authorization: the value of {{token}} holds a control character (CR, LF or another below 0x20 but tab), which would split or corrupt the header; the request is not sent',
      );
      expect(err.field).toBe('requests[1].headers.authorization');
      expect(err.templateName).toBe('token');
      expect(err.message).not.toContain(value);
    },
  );

  it('lets a header value with a tab or non-ASCII text through', () => {
    const t = compileTemplate('{{token}}', 'h', known, encodeHeaderValue);
    expect(t.render({ ...scope, vars: { token: 'a\tb é' } })).toBe('a\tb é');
  });
});

describe('compileBody', () => {
  it('returns no template for no body', () => {
    expect(compileBody(undefined, 'b', known)).toEqual({ template: undefined, json: false });
  });

  it('treats a string body as a template, not JSON', () => {
    const { template, json } = compileBody('id={{seq}}', 'b', known);
    expect(json).toBe(false);
    expect(template?.render(scope)).toBe('id=41');
  });

  it('serializes an object body without templates once, exactly as JSON.stringify', () => {
    const body = { a: [1, 'x', null, true, { 'k"ey': 'v\n' }], b: {}, c: [], d: 1.5, e: 'é \u2028' };
    const { template, json } = compileBody(body, 'b', known);
    expect(json).toBe(true);
    expect(template?.isStatic).toBe(true);
    const first = template?.render(scope);
    expect(first).toBe(JSON.stringify(body));
    expect(template?.render(scope)).toBe(first);
  });

  it('substitutes into string values, not keys, and a lone {{name}} stays a JSON string', () => {
    const body = { article: { title: 't {{seq}}', '{{tag}}': 'k', tagList: ['{{tag}}'], n: '{{seq}}' } };
    const { template } = compileBody(body, 'requests[0].body', known);
    const out = JSON.parse(template?.render(scope) ?? '');
    expect(out).toEqual({ article: { title: 't 41', '{{tag}}': 'k', tagList: ['perf'], n: '41' } });
    expect(template?.names).toEqual(['seq', 'tag']);
  });

  it.each([
    ['a quote', 'x", "admin": true, "y": "'],
    ['a backslash', 'C:\\temp\\'],
    ['control characters', 'line1\nline2\r\t\0\x1b'],
    ['a lone surrogate and U+2028', '\ud800 \u2028'],
    ['a closing brace and bracket', '"}]}'],
  ])('escapes a hostile value with %s so that the JSON keeps its shape', (_, value) => {
    const { template } = compileBody({ user: { name: 'n={{token}}', role: 'reader' } }, 'b', known);
    const text = template?.render({ ...scope, vars: { token: value } }) ?? '';
    expect(JSON.parse(text)).toEqual({ user: { name: `n=${value}`, role: 'reader' } });
  });

  it('escapes the literal text around a template inside a JSON string', () => {
    const { template } = compileBody({ q: 'say "hi"\n{{tag}}' }, 'b', known);
    expect(JSON.parse(template?.render(scope) ?? '')).toEqual({ q: 'say "hi"\nperf' });
  });

  it('renders a uuid per call inside a JSON body', () => {
    const { template } = compileBody({ id: '{{uuid}}' }, 'b', known);
    const a = JSON.parse(template?.render(scope) ?? '').id;
    const b = JSON.parse(template?.render(scope) ?? '').id;
    expect(a).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('names the path of a bad value inside the body', () => {
    expect(
      configError(() => compileBody({ article: { tags: ['ok', '{{nope}}'] } }, 'requests[2].body', known)),
    ).toMatch(/^requests\[2\]\.body\.article\.tags\[1\]: \{\{nope\}\} is not a variable/);
    expect(configError(() => compileBody({ 'a-b': '{{nope}}' }, 'body', known))).toMatch(
      /^body\["a-b"\]: \{\{nope\}\}/,
    );
  });

  it('refuses a body that contains itself', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(configError(() => compileBody(loop, 'body', known))).toBe(
      'body.self: the body refers to itself (a YAML alias of its own parent)',
    );
  });
});

describe('encoders', () => {
  it('encodeJsonString gives the content of a JSON string without quotes', () => {
    expect(encodeJsonString('a"b\\c\n')).toBe('a\\"b\\\\c\\n');
  });
  it.each(['plain text', 'émoji 😀', '\ud800 lone', 'tab\t', '\u2028', "'single'", '</script>'])(
    'encodeJsonString(%j) is what JSON.stringify puts between the quotes',
    (value) => {
      expect(encodeJsonString(value)).toBe(JSON.stringify(value).slice(1, -1));
    },
  );
  it('encodeHeaderValue returns a clean value unchanged', () => {
    const v = 'Bearer abc.def';
    expect(encodeHeaderValue(v)).toBe(v);
  });
});
