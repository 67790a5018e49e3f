import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { compileCapture, compileJsonPath, type CaptureSpec } from '../../src/workload/capture.js';

const FIELD = 'profiles[0].setup[0].capture.token';
const login = {
  headers: (name: string) => ({ 'x-token': 'hdr-123', location: '/users/42', empty: '' })[name],
  body: JSON.stringify({ user: { token: 'jwt.abc.def', id: 42, admin: false, tags: ['a'], nothing: null, blank: '' } }),
};

const extract = (spec: CaptureSpec, r = login) => compileCapture('token', spec, FIELD).extract(r);

function configError(spec: unknown): string {
  try {
    compileCapture('token', spec as CaptureSpec, FIELD);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('compileCapture: JSON', () => {
  it.each<[CaptureSpec, string]>([
    ['$.user.token', 'jwt.abc.def'],
    [{ json: '$.user.token' }, 'jwt.abc.def'],
    ['$.user.id', '42'],
    ['$.user.admin', 'false'],
    ['$.user.tags', '["a"]'],
    ["$['user'].tags[-1]", 'a'],
  ])('%j captures %s', (spec, value) => {
    expect(extract(spec)).toBe(value);
  });

  it.each<[string, CaptureSpec]>([
    ['a missing path', '$.user.password'],
    ['a null value', '$.user.nothing'],
    ['an empty string', '$.user.blank'],
  ])('finds nothing at %s', (_, spec) => {
    expect(extract(spec)).toBeUndefined();
  });

  it('finds nothing in a body that is not JSON', () => {
    expect(extract('$.user.token', { ...login, body: '<html>502</html>' })).toBeUndefined();
  });

  it('needs the body and says where it reads', () => {
    expect(compileCapture('token', '$.user.token', FIELD)).toMatchObject({
      name: 'token',
      source: '$.user.token',
      needsBody: true,
    });
  });

  it('is the same compileJsonPath as jsonpath.ts (re-exported for captures)', () => {
    expect(compileJsonPath('$.a', 'f')({ a: 1 })).toEqual({ found: true, value: 1 });
  });
});

describe('compileCapture: header', () => {
  it('captures a header by name in any case, without the body', () => {
    const c = compileCapture('token', { header: 'X-Token' }, FIELD);
    expect(c).toMatchObject({ source: 'header x-token', needsBody: false });
    expect(c.extract(login)).toBe('hdr-123');
  });

  it('finds nothing when the header is absent or empty', () => {
    expect(extract({ header: 'x-missing' })).toBeUndefined();
    expect(extract({ header: 'empty' })).toBeUndefined();
  });
});

describe('compileCapture: regex', () => {
  it('takes group 1 by default when the expression has a group', () => {
    const c = compileCapture('token', { regex: '"id":(\\d+)' }, FIELD);
    expect(c.source).toBe('regex /"id":(\\d+)/ group 1');
    expect(c.extract(login)).toBe('42');
  });

  it('takes the whole match without a group, or the group asked for', () => {
    expect(extract({ regex: 'jwt\\.[a-z.]+' })).toBe('jwt.abc.def');
    expect(extract({ regex: '"(token)":"([^"]+)"', group: 2 })).toBe('jwt.abc.def');
    expect(extract({ regex: '"(token)":"([^"]+)"', group: 0 })).toBe('"token":"jwt.abc.def"');
  });

  it('finds nothing when the expression does not match or the group did not take part', () => {
    expect(extract({ regex: 'session=(\\w+)' })).toBeUndefined();
    expect(extract({ regex: '"id":(\\d+)|(never)', group: 2 })).toBeUndefined();
  });

  it.each([
    [
      { regex: '(' },
      `${FIELD}.regex: "(" is not a valid regular expression (Invalid regular expression: /(/: Unterminated group); expected e.g. "id=(\\\\d+)"`,
    ],
    [
      { regex: 'id=(\\d+)', group: 2 },
      `${FIELD}.group: 2 is not a group of /id=(\\d+)/; expected a whole number from 0 (the whole match) to 1`,
    ],
    [
      { regex: 'id=(\\d+)', group: -1 },
      `${FIELD}.group: -1 is not a group of /id=(\\d+)/; expected a whole number from 0 (the whole match) to 1`,
    ],
  ])('refuses %j', (spec, message) => {
    expect(configError(spec)).toBe(message);
  });
});

describe('compileCapture: refusals', () => {
  const FORMS = `expected a JSONPath such as "$.user.token", { header: "x-token" } or { regex: "id=(\\\\d+)" }`;
  it.each([
    ['user.token', `${FIELD}: "user.token" is not a capture; ${FORMS}`],
    [{ cookie: 'sid' }, `${FIELD}: {"cookie":"sid"} is not a capture; ${FORMS}`],
    [{ json: '$.a', header: 'b' }, `${FIELD}: {"json":"$.a","header":"b"} is not a capture; ${FORMS}`],
    [{ header: '' }, `${FIELD}: {"header":""} is not a capture; ${FORMS}`],
  ])('refuses %j, naming the field and the forms', (spec, message) => {
    expect(configError(spec)).toBe(message);
  });

  it('refuses an unsupported JSONPath with the JSONPath message', () => {
    expect(configError({ json: '$..token' })).toMatch(
      /^profiles\[0\]\.setup\[0\]\.capture\.token\.json: "\$\.\.token" is not a supported JSONPath: recursive descent/,
    );
    expect(configError('$.users[*].token')).toMatch(/^profiles\[0\]\.setup\[0\]\.capture\.token: .*wildcards/);
  });
});
