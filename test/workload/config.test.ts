import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  captureSchema,
  capturesSchema,
  checkSchema,
  dataSchema,
  parseByteSize,
  variablesSchema,
  type CaptureInput,
  type CheckInput,
} from '../../src/config/sections/workload.js';
import type { CaptureSpec } from '../../src/workload/capture.js';
import type { CheckSpec } from '../../src/workload/check.js';

/** Each issue as "path: message", as the config reader prints it (before adding the prefix and line). */
function issues(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  if (r.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const NOT_STATUS = 'is not an HTTP status; expected a number from 100 to 599 or a class such as "2xx"';

describe('checkSchema', () => {
  it('reads every form and converts sizes to bytes', () => {
    const spec = {
      status: [200, '3xx'],
      json: { '$.user.email': 'exists', '$.user.id': 3 },
      bodyContains: 'ok',
      header: { 'Content-Type': 'application/json', 'x-id': true },
      maxBodySize: '512KB',
    };
    expect(checkSchema.parse(spec)).toEqual({ ...spec, maxBodySize: 524_288 });
  });

  it('gives the compiler the type it takes', () => {
    expectTypeOf<CheckInput>().toExtend<CheckSpec>();
    expectTypeOf<CaptureInput>().toExtend<CaptureSpec>();
  });

  it.each([
    [{ status: 600 }, `status: 600 ${NOT_STATUS}`],
    [{ status: 200.5 }, `status: 200.5 ${NOT_STATUS}`],
    [{ status: '6xx' }, `status: "6xx" ${NOT_STATUS}`],
    [{ status: true }, `status: true ${NOT_STATUS}`],
    [{ status: [200, 99] }, `status.1: 99 ${NOT_STATUS}`],
    [{ status: [] }, 'status: expected at least one status, e.g. [200, 201]'],
    [
      { json: { '$..id': 'exists' } },
      `json.$..id: "$..id" is not a supported JSONPath: recursive descent (..) is not supported; supported forms: $, .name, ['name'], [N], [-N] (N from the end), e.g. "$.user.token" or "$.items[0].id"`,
    ],
    [{ header: { 'x-id': 3 } }, 'header.x-id: 3 is not a header check; expected the exact value as text, or true'],
    [{ maxBodySize: '1TB' }, 'maxBodySize: "1TB" is not a size; expected bytes above 0, e.g. "512KB" or "1MB"'],
    [{ maxBodySize: 0 }, 'maxBodySize: 0 is not a size; expected bytes above 0, e.g. "512KB" or "1MB"'],
    [{ bodyContains: '' }, 'bodyContains: expected some text to look for'],
  ])('refuses %j naming the value and the expected form', (value, message) => {
    expect(issues(checkSchema, value)).toEqual([message]);
  });

  it('has a description for the JSON Schema on the object and every key', () => {
    const schema = z.toJSONSchema(checkSchema, { io: 'input', unrepresentable: 'any' }) as {
      description?: string;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.description).toMatch(/class "check"/);
    for (const key of ['status', 'json', 'bodyContains', 'header', 'maxBodySize']) {
      expect(schema.properties[key]?.description, key).toBeTruthy();
    }
  });
});

describe('parseByteSize', () => {
  it.each([
    ['1MB', 1_048_576],
    ['512KB', 524_288],
    ['512 kb', 524_288],
    ['1.5 MiB', 1_572_864],
    ['64k', 65_536],
    ['200b', 200],
    ['200', 200],
  ])('reads %j as %d bytes', (text, n) => {
    expect(parseByteSize(text)).toBe(n);
  });

  it.each(['1 TB', 'MB', '', '-1KB', '1,000'])('refuses %j', (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });
});

describe('captureSchema and capturesSchema', () => {
  it.each(['$.user.token', { json: "$['user'].token" }, { header: 'x-token' }, { regex: 'id=(\\d+)', group: 1 }])(
    'accepts %j',
    (spec) => {
      expect(captureSchema.parse(spec)).toEqual(spec);
    },
  );

  const FORMS = `expected a JSONPath such as "$.user.token", { header: "x-token" } or { regex: "id=(\\\\d+)", group: 1 }`;
  it.each([
    ['user.token', ': "user.token" is not a supported JSONPath: it must start with $'],
    [{ cookie: 'sid' }, `: {"cookie":"sid"} is not a capture; ${FORMS}`],
    [3, `: 3 is not a capture; ${FORMS}`],
    [
      { regex: '(' },
      'regex: "(" is not a valid regular expression (Invalid regular expression: /(/: Unterminated group); expected e.g. "id=(\\\\d+)"',
    ],
    [
      { regex: 'a(b)', group: 2 },
      'group: 2 is not a group of /a(b)/; expected a whole number from 0 (the whole match) to 1',
    ],
  ])('refuses %j', (spec, message) => {
    expect(issues(captureSchema, spec)[0]).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('refuses capture names that are built-ins or not identifiers, each at its own key', () => {
    expect(issues(capturesSchema, { token: '$.a', uuid: '$.b', 'bad-name': '$.c', '1x': { header: 'x' } })).toEqual([
      'uuid: "uuid" is a built-in ({{uuid}}); choose another name',
      'bad-name: "bad-name" is not a variable name; expected letters, digits and _, not starting with a digit (e.g. api_token)',
      '1x: "1x" is not a variable name; expected letters, digits and _, not starting with a digit (e.g. api_token)',
    ]);
  });
});

describe('variablesSchema', () => {
  it('turns every value into text', () => {
    expect(variablesSchema.parse({ tag: 'perf', limit: 20, ratio: 1.5, on: true, _x: '' })).toEqual({
      tag: 'perf',
      limit: '20',
      ratio: '1.5',
      on: 'true',
      _x: '',
    });
  });

  it.each(['uuid', 'seq', 'randomInt', 'timestamp'])('refuses the built-in name %s', (name) => {
    expect(issues(variablesSchema, { [name]: 'x' })).toEqual([
      `${name}: "${name}" is a built-in ({{${name}}}); choose another name`,
    ]);
  });

  it('refuses names that are not identifiers and values that are not scalars', () => {
    expect(issues(variablesSchema, { 'api-token': 'x' })).toEqual([
      'api-token: "api-token" is not a variable name; expected letters, digits and _, not starting with a digit (e.g. api_token)',
    ]);
    expect(issues(variablesSchema, { o: { a: 1 }, n: null })).toEqual([
      'o: {"a":1} is not a variable value; expected a string, number or boolean',
      'n: null is not a variable value; expected a string, number or boolean',
    ]);
  });
});

describe('dataSchema', () => {
  it('fills the defaults', () => {
    expect(dataSchema.parse({ file: 'users.csv' })).toEqual({
      file: 'users.csv',
      order: 'sequential',
      onEnd: 'wrap',
      scope: 'request',
    });
    const all = { file: 'data/items.JSON', order: 'random', onEnd: 'stop', scope: 'connection' };
    expect(dataSchema.parse(all)).toEqual(all);
  });

  it.each([
    [
      { file: 'users.txt' },
      'file: expected a .csv file (a header row, then rows) or a .json file (an array of flat objects)',
    ],
    [{ file: 'a.csv', order: 'shuffle' }, 'order: "shuffle" is not an order; expected sequential or random'],
    [{ file: 'a.csv', onEnd: 'loop' }, 'onEnd: "loop" is not an end; expected wrap or stop'],
    [{ file: 'a.csv', scope: 'user' }, 'scope: "user" is not a scope; expected request or connection'],
    [{}, 'file: undefined is not a path; expected a .csv or .json file such as "users.csv"'],
    [{ file: 'a.csv', seed: 1 }, ': Unrecognized key: "seed"'],
  ])('refuses %j', (value, message) => {
    expect(issues(dataSchema, value)).toEqual([message]);
  });
});
