import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  compileCheck,
  DEFAULT_CHECK_BODY_LIMIT,
  type CheckedResponse,
  type CheckSpec,
} from '../../src/workload/check.js';

function response(status: number, body?: string | object, headers: Record<string, string> = {}): CheckedResponse {
  const buf = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, headers: (name) => lower[name.toLowerCase()], body: buf, bodyBytes: buf?.length ?? 0 };
}

const evaluate = (spec: CheckSpec, r: CheckedResponse) => compileCheck(spec, 'requests[0].check').evaluate(r);

function configError(spec: CheckSpec): string {
  try {
    compileCheck(spec, 'requests[0].check');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('compileCheck: status', () => {
  it.each<[CheckSpec['status'], number, string | undefined]>([
    [200, 200, undefined],
    [201, 422, 'expected status 201, got 422'],
    [[200, 201], 201, undefined],
    [[200, 201], 204, 'expected status 200 or 201, got 204'],
    ['2xx', 299, undefined],
    ['2xx', 404, 'expected status 2xx, got 404'],
    [[200, '3xx'], 302, undefined],
    [[200, 204, '3xx'], 500, 'expected status 200, 204 or 3xx, got 500'],
    ['5xx', 503, undefined],
    ['1xx', 101, undefined],
    [200, 999, 'expected status 200, got 999'],
  ])('status %j and an answer %d: %s', (status, got, text) => {
    expect(evaluate({ status }, response(got))).toBe(text);
  });

  it('does not check the status when the check has no status', () => {
    expect(evaluate({ bodyContains: 'ok' }, response(500, 'ok'))).toBeUndefined();
    expect(evaluate({}, response(404))).toBeUndefined();
  });

  it('shows the body with a status failure when the body was kept for another rule', () => {
    expect(evaluate({ status: 201, bodyContains: 'x' }, response(422, { errors: { title: ['taken'] } }))).toBe(
      'expected status 201, got 422; body: {"errors":{"title":["taken"]}}',
    );
  });

  it('needs neither the body nor the headers for a status check', () => {
    const c = compileCheck({ status: [200, '2xx'] }, 'c');
    expect(c).toMatchObject({ needsBody: false, needsHeaders: false, bodyLimit: 0 });
  });

  it.each<[CheckSpec['status'], string]>([
    [
      600,
      'requests[0].check.status: 600 is not an HTTP status; expected a number from 100 to 599 or a class such as "2xx"',
    ],
    [
      [200, 99],
      'requests[0].check.status: 99 is not an HTTP status; expected a number from 100 to 599 or a class such as "2xx"',
    ],
    [
      200.5,
      'requests[0].check.status: 200.5 is not an HTTP status; expected a number from 100 to 599 or a class such as "2xx"',
    ],
    [
      '6xx' as never,
      'requests[0].check.status: "6xx" is not an HTTP status; expected a number from 100 to 599 or a class such as "2xx"',
    ],
    [[], 'requests[0].check.status: [] lists no status; expected e.g. 200, [200, 201] or "2xx"'],
  ])('refuses status %j', (status, message) => {
    expect(configError({ status })).toBe(message);
  });
});

describe('compileCheck: json', () => {
  const user = { user: { email: 'u1@demo.test', id: 3, roles: ['reader'], profile: { bio: null } } };

  it('passes when every path exists or equals its value', () => {
    const spec: CheckSpec = {
      json: { '$.user.email': 'exists', '$.user.id': 3, '$.user.roles': ['reader'], '$.user.profile': { bio: null } },
    };
    expect(evaluate(spec, response(200, user))).toBeUndefined();
  });

  it('fails a missing path with the body', () => {
    expect(evaluate({ json: { '$.user.token': 'exists' } }, response(200, { errors: { body: ['bad'] } }))).toBe(
      'expected $.user.token to exist, but it is missing; body: {"errors":{"body":["bad"]}}',
    );
  });

  it('fails a different value, showing both as JSON (no type coercion)', () => {
    expect(evaluate({ json: { '$.user.id': 3 } }, response(200, { user: { id: '3' } }))).toBe(
      'expected $.user.id to equal 3, got "3"',
    );
    expect(evaluate({ json: { '$.user.email': 'a@b' } }, response(200, user))).toBe(
      'expected $.user.email to equal "a@b", got "u1@demo.test"',
    );
  });

  it('fails a body that is not JSON', () => {
    expect(evaluate({ json: { '$.ok': true } }, response(200, '<html>\n<h1>Error</h1>'))).toBe(
      'expected a JSON body for $.ok; body: <html>\\n<h1>Error</h1>',
    );
  });

  it('needs the body, up to 1 MiB by default, and not the headers', () => {
    expect(compileCheck({ json: { $: 'exists' } }, 'c')).toMatchObject({
      needsBody: true,
      needsHeaders: false,
      bodyLimit: DEFAULT_CHECK_BODY_LIMIT,
    });
    expect(DEFAULT_CHECK_BODY_LIMIT).toBe(1_048_576);
  });

  it('refuses an unsupported JSONPath, naming the field and the path', () => {
    expect(configError({ json: { '$..id': 'exists' } })).toMatch(
      /^requests\[0\]\.check\.json\["\$\.\.id"\]: "\$\.\.id" is not a supported JSONPath: recursive descent/,
    );
  });

  it('returns structured failures: rule, expected, actual', () => {
    const c = compileCheck({ status: 200, json: { '$.id': 1 } }, 'c');
    expect(c.failure(response(200, { id: 2 }))).toEqual({
      rule: 'json',
      expected: '$.id to equal 1',
      actual: '2',
      text: 'expected $.id to equal 1, got 2',
    });
    expect(c.failure(response(500, { id: 1 }))).toMatchObject({ rule: 'status', expected: '200', actual: '500' });
  });
});

describe('compileCheck: bodyContains, header, maxBodySize', () => {
  it('passes and fails bodyContains', () => {
    expect(evaluate({ bodyContains: '"ok":true' }, response(200, '{"ok":true}'))).toBeUndefined();
    expect(evaluate({ bodyContains: 'welcome' }, response(200, 'error: "locked"'))).toBe(
      'expected the body to contain "welcome"; body: error: "locked"',
    );
    expect(evaluate({ bodyContains: 'x' }, response(200, ''))).toBe('expected the body to contain "x"; body: (empty)');
  });

  it('compares a header value exactly, the name in any case', () => {
    const r = response(200, undefined, { 'Content-Type': 'application/json' });
    expect(evaluate({ header: { 'content-type': 'application/json' } }, r)).toBeUndefined();
    expect(evaluate({ header: { 'CONTENT-TYPE': 'application/json' } }, r)).toBeUndefined();
    expect(evaluate({ header: { 'content-type': 'text/html' } }, r)).toBe(
      'expected header content-type: "text/html", got "application/json"',
    );
    expect(evaluate({ header: { 'x-request-id': 'abc' } }, r)).toBe('expected header x-request-id: "abc", got none');
  });

  it.each<[string | true]>([[true], ['exists']])('checks that a header exists with %j', (want) => {
    expect(evaluate({ header: { 'X-Id': want } }, response(200, undefined, { 'x-id': '1' }))).toBeUndefined();
    expect(evaluate({ header: { 'X-Id': want } }, response(200))).toBe('expected header x-id to exist');
  });

  it('needs the headers, not the body, for a header check', () => {
    expect(compileCheck({ header: { a: true } }, 'c')).toMatchObject({ needsBody: false, needsHeaders: true });
  });

  it('checks maxBodySize from the counted size without needing the body', () => {
    const c = compileCheck({ maxBodySize: 1024 }, 'c');
    expect(c.needsBody).toBe(false);
    expect(c.evaluate({ status: 200, headers: () => undefined, body: undefined, bodyBytes: 1024 })).toBeUndefined();
    expect(c.evaluate({ status: 200, headers: () => undefined, body: undefined, bodyBytes: 2_000_000 })).toBe(
      'expected a body of at most 1,024 bytes, got 2,000,000 bytes',
    );
  });

  it('keeps maxBodySize bytes for a body check and fails a larger body without reading it', () => {
    const c = compileCheck({ json: { $: 'exists' }, maxBodySize: 4096 }, 'c');
    expect(c.bodyLimit).toBe(4096);
    const big = { status: 200, headers: () => undefined, body: Buffer.from('{"a":'), bodyBytes: 5000 };
    expect(c.evaluate(big)).toBe('expected a body of at most 4,096 bytes, got 5,000 bytes');
  });

  it('fails a body check on a body over the default limit, saying how to raise it', () => {
    const c = compileCheck({ bodyContains: 'x' }, 'c');
    const big = { status: 200, headers: () => undefined, body: Buffer.alloc(10), bodyBytes: 2_000_000 };
    expect(c.evaluate(big)).toBe(
      'the body is 2,000,000 bytes; checks read at most 1,048,576 bytes (set check.maxBodySize to read more)',
    );
  });

  it.each([0, -1, 1.5])('refuses maxBodySize %d', (maxBodySize) => {
    expect(configError({ maxBodySize })).toBe(
      `requests[0].check.maxBodySize: ${maxBodySize} is not a size; expected a number of bytes above 0`,
    );
  });
});

describe('compileCheck: what a failure shows', () => {
  it('cuts a long body to 200 characters and gives its size', () => {
    const body = JSON.stringify({ errors: 'x'.repeat(1000) });
    const text = evaluate({ bodyContains: 'welcome' }, response(200, body)) ?? '';
    expect(text).toBe(`expected the body to contain "welcome"; body: ${body.slice(0, 200)}… (1,013 bytes)`);
  });

  it('escapes control characters so that a failure stays one line', () => {
    const text = evaluate({ bodyContains: 'ok' }, response(200, 'a\r\nb\t\x1b[31mred\x00\u0085\u2028')) ?? '';
    expect(text).toBe('expected the body to contain "ok"; body: a\\r\\nb\\t\\u001b[31mred\\u0000\\u0085\\u2028');
    expect([...text].every((c) => c.charCodeAt(0) >= 0x20)).toBe(true);
  });

  it('does not cut an emoji in two', () => {
    const body = 'a'.repeat(199) + '😀' + 'b'.repeat(10);
    const text = evaluate({ bodyContains: 'zzz' }, response(200, body)) ?? '';
    expect(text).toBe(
      `expected the body to contain "zzz"; body: ${'a'.repeat(199)}… (${Buffer.byteLength(body)} bytes)`,
    );
  });

  it('cuts and escapes an unexpected JSON value too', () => {
    const text = evaluate({ json: { '$.msg': 'ok' } }, response(200, { msg: 'line\u0085'.repeat(100) })) ?? '';
    expect(text.startsWith('expected $.msg to equal "ok", got "line\\u0085line')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    // 200 characters after escaping: the opening quote, 19 × "line\\u0085" (10 characters each), "line".
    expect(text).toBe(`expected $.msg to equal "ok", got "${'line\\u0085'.repeat(19)}line…`);
  });
});
