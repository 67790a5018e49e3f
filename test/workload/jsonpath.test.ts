import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { compileJsonPath, parseJsonPath } from '../../src/workload/jsonpath.js';

const doc = {
  user: { token: 'jwt.abc', id: 7, 'e-mail': 'a@b', "it's": 1, 'a.b': 2, nothing: null },
  items: [{ id: 'first' }, { id: 'middle' }, { id: 'last' }],
};

const SUPPORTED = `supported forms: $, .name, ['name'], [N], [-N] (N from the end), e.g. "$.user.token" or "$.items[0].id"`;

describe('compileJsonPath: the supported subset', () => {
  it.each([
    ['$', doc],
    ['$.user.token', 'jwt.abc'],
    ['$.user.id', 7],
    ["$['user']['token']", 'jwt.abc'],
    ['$["user"]["a.b"]', 2],
    ["$.user['it\\'s']", 1],
    ['$.user.e-mail', 'a@b'],
    ['$.items[0].id', 'first'],
    ['$.items[-1].id', 'last'],
    ['$.items[-3].id', 'first'],
    ['$.user.nothing', null],
  ])('reads %s', (path, value) => {
    expect(compileJsonPath(path, 'f')(doc)).toEqual({ found: true, value });
  });

  it.each([
    '$.user.missing',
    '$.items[3]',
    '$.items[-4]',
    '$.user[0]',
    '$.items.id',
    '$.user.token.length',
    '$.constructor',
    '$.user.__proto__',
  ])('finds nothing at %s', (path) => {
    expect(compileJsonPath(path, 'f')(doc)).toEqual({ found: false, value: undefined });
  });

  it('finds nothing in a body that is not an object', () => {
    const read = compileJsonPath('$.a', 'f');
    expect(read('text').found).toBe(false);
    expect(read(null).found).toBe(false);
    expect(read(undefined).found).toBe(false);
  });

  it('parses into the steps', () => {
    expect(parseJsonPath("$.a['b c'][2][-1]")).toEqual(['a', 'b c', 2, -1]);
  });
});

describe('compileJsonPath: refusals', () => {
  it.each([
    ['$..token', 'recursive descent (..) is not supported'],
    ['$.items[*].id', 'wildcards ([*]) are not supported'],
    ['$.items.*', 'wildcards (*) are not supported'],
    ['$.items[?(@.id=="x")]', 'filters ([?(…)]) are not supported'],
    ['$.items[0:2]', 'slices ([a:b]) are not supported'],
    ['$.items[0,1]', 'unions ([a,b]) are not supported'],
    ['user.token', 'it must start with $'],
    ['$.', 'expected a name after "." at character 2'],
    ["$['open", 'the quoted name at character 2 is not closed'],
    ["$['a'x]", 'expected "]" after the quoted name at character 5'],
    ['$[x]', 'expected a quoted name or an index inside [ ] at character 1'],
    ['$x', 'unexpected "x" at character 1'],
  ])('refuses %s with a ConfigError naming the field and the supported forms', (path, why) => {
    let caught: unknown;
    try {
      compileJsonPath(path, 'requests[0].check.json');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toBe(
      `requests[0].check.json: ${JSON.stringify(path)} is not a supported JSONPath: ${why}; ${SUPPORTED}`,
    );
  });
});
