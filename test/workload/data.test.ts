import { mkdtemp, mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadDataFile, parseCsvData, parseJsonData, RowCursor, type DataSet } from '../../src/workload/data.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-data-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FIELD = 'profiles[0].data.file';

async function loadError(name: string, content?: string): Promise<string> {
  if (content !== undefined) await writeFile(path.join(dir, name), content);
  const err = await loadDataFile(name, dir, FIELD).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as Error).message;
}

describe('loadDataFile: CSV', () => {
  it('reads a header row and rows, relative to the config folder, with quoted fields and a BOM', async () => {
    await mkdir(path.join(dir, 'data'));
    await writeFile(
      path.join(dir, 'data', 'users.csv'),
      '\ufeffemail, password\nu1@demo.test,"p,1"\n\nu2@demo.test,"say ""hi""\nthere"\n',
    );
    const data = await loadDataFile('data/users.csv', dir, FIELD);
    expect(data.file).toBe('data/users.csv');
    expect(data.columns).toEqual(['email', 'password']);
    expect(data.rows).toEqual([
      { email: 'u1@demo.test', password: 'p,1' },
      { email: 'u2@demo.test', password: 'say "hi"\nthere' },
    ]);
  });

  it.each([
    [
      'a row with too few fields',
      'email,password\nu1,p1\nu2\n',
      'bad.csv:3: the row has 1 field; expected 2 (email, password)',
    ],
    ['a row with too many fields', 'a,b\n1,2\n3,4\n5,6,7\n', 'bad.csv:4: the row has 3 fields; expected 2 (a, b)'],
    ['an empty file', '', 'bad.csv: the file is empty; expected a header row of column names, then rows'],
    ['a header only', 'email,password\n', 'bad.csv: has a header row but no rows; expected at least one row'],
    [
      'a duplicate column',
      'id,name,id\n1,2,3\n',
      'bad.csv:1: the column "id" appears twice in the header; expected unique names',
    ],
    [
      'an empty column name',
      'id,,name\n1,2,3\n',
      'bad.csv:1: column 2 of the header has no name; expected a name for every column',
    ],
    ['a "__proto__" column', '__proto__\nx\n', 'bad.csv:1: "__proto__" cannot be a column name; rename the column'],
  ])('refuses %s, naming the field, file and line', async (_, content, message) => {
    expect(await loadError('bad.csv', content)).toBe(`${FIELD}: ${message}`);
  });

  it('refuses an unclosed quote with the line csv-parse reports', async () => {
    expect(await loadError('bad.csv', 'a,b\n1,"2\n')).toMatch(
      /^profiles\[0\]\.data\.file: bad\.csv:2: not valid CSV \(Quote Not Closed/,
    );
  });
});

describe('loadDataFile: JSON', () => {
  it('reads an array of flat objects, numbers and booleans as text', async () => {
    await writeFile(
      path.join(dir, 'items.json'),
      JSON.stringify([
        { sku: 'a', qty: 2, on: true },
        { sku: 'b', qty: 0.5, on: false },
      ]),
    );
    const data = await loadDataFile('items.json', dir, FIELD);
    expect(data.columns).toEqual(['sku', 'qty', 'on']);
    expect(data.rows).toEqual([
      { sku: 'a', qty: '2', on: 'true' },
      { sku: 'b', qty: '0.5', on: 'false' },
    ]);
  });

  it.each([
    ['not JSON', '[{"a": 1},', /^items\.json: not valid JSON \(/],
    [
      'an object',
      '{"a": 1}',
      'items.json: the file holds an object; expected an array of objects such as [{"email": "a@b.test"}]',
    ],
    ['an empty array', '[]', 'items.json: the array is empty; expected at least one object'],
    [
      'an array item that is not an object',
      '[{"a": "1"}, "x"]',
      'items.json: [1] is a string; expected an object of column names and values',
    ],
    [
      'a nested value',
      '[{"a": "1"}, {"a": {"b": 2}}]',
      'items.json: [1].a is an object; expected a string, number or boolean (write "" for an empty value)',
    ],
    [
      'a null value',
      '[{"a": null}]',
      'items.json: [0].a is null; expected a string, number or boolean (write "" for an empty value)',
    ],
    [
      'an array value',
      '[{"a": [1]}]',
      'items.json: [0].a is an array; expected a string, number or boolean (write "" for an empty value)',
    ],
    [
      'other keys than the first object',
      '[{"a": "1", "b": "2"}, {"a": "1", "c": "3"}]',
      'items.json: [1] has the keys a, c; expected the same keys as [0]: a, b',
    ],
    [
      'a missing key',
      '[{"a": "1", "b": "2"}, {"a": "1"}]',
      'items.json: [1] has the keys a; expected the same keys as [0]: a, b',
    ],
    [
      'a "__proto__" key',
      '[{"__proto__": "x"}]',
      'items.json: [0]: "__proto__" cannot be a column name; rename the column',
    ],
  ])('refuses %s, naming the file and index', async (_, content, message) => {
    const text = await loadError('items.json', content);
    if (typeof message === 'string') expect(text).toBe(`${FIELD}: ${message}`);
    else expect(text.slice(FIELD.length + 2)).toMatch(message);
  });
});

describe('loadDataFile: the file itself', () => {
  it('names the field and the resolved path of a missing file', async () => {
    expect(await loadError('nope/users.csv')).toBe(
      `${FIELD}: cannot read "nope/users.csv" (resolved to ${path.join(dir, 'nope', 'users.csv')}: ENOENT); expected a file relative to the config file`,
    );
  });

  it('refuses a folder', async () => {
    await mkdir(path.join(dir, 'users.csv'));
    expect(await loadError('users.csv')).toBe(
      `${FIELD}: cannot read "users.csv" (resolved to ${path.join(dir, 'users.csv')}: not a file); expected a file relative to the config file`,
    );
  });

  it('refuses an extension other than .csv or .json', async () => {
    expect(await loadError('users.txt', 'a\n1\n')).toBe(
      `${FIELD}: "users.txt" is neither .csv nor .json; expected a data file such as users.csv or items.json`,
    );
  });

  it('refuses a file over 100 MB without reading it', async () => {
    const file = path.join(dir, 'big.csv');
    await writeFile(file, '');
    await truncate(file, 100_000_001); // sparse: no 100 MB written
    expect(await loadError('big.csv')).toBe(
      `${FIELD}: big.csv is 100.0 MB; a data file may have at most 100 MB and 1,000,000 rows: use a sample of it`,
    );
  });

  it('refuses more than 1,000,000 rows (CSV and JSON)', { timeout: 30_000 }, () => {
    const csv = 'n\n' + '1\n'.repeat(1_000_001);
    expect(() => parseCsvData(csv, 'many.csv')).toThrow(
      new ConfigError(
        'many.csv: has more than 1,000,000 rows; a data file may have at most 1,000,000 rows: use a sample of it',
      ),
    );
    const json = `[${'{"n":1},'.repeat(1_000_000)}{"n":1}]`;
    expect(() => parseJsonData(json, 'many.json')).toThrow(
      'many.json: has more than 1,000,000 rows; a data file may have at most 1,000,000 rows: use a sample of it',
    );
  });

  it('accepts exactly 1,000,000 rows', { timeout: 30_000 }, () => {
    expect(parseCsvData('n\n' + '1\n'.repeat(1_000_000), 'ok.csv').rows).toHaveLength(1_000_000);
  });
});

const five: DataSet = { file: 'x.csv', columns: ['n'], rows: ['0', '1', '2', '3', '4'].map((n) => ({ n })) };
const draw = (c: RowCursor, k: number) => Array.from({ length: k }, () => c.next()?.n ?? '-').join('');

describe('RowCursor', () => {
  it('walks rows in order and wraps', () => {
    expect(draw(new RowCursor(five, 'sequential', 'wrap'), 12)).toBe('012340123401');
  });

  it('stops after the last row and stays stopped', () => {
    expect(draw(new RowCursor(five, 'sequential', 'stop'), 8)).toBe('01234---');
  });

  it('draws each row once per pass in random order, then reshuffles', () => {
    const c = new RowCursor(five, 'random', 'wrap', 42);
    const passes = [draw(c, 5), draw(c, 5), draw(c, 5), draw(c, 5)];
    for (const p of passes) expect([...p].sort().join('')).toBe('01234');
    expect(new Set(passes).size).toBeGreaterThan(1);
    expect(passes[0]).not.toBe('01234');
  });

  it('replays the same random order from the same seed and another from another seed', () => {
    const big: DataSet = { file: 'x', columns: ['n'], rows: Array.from({ length: 100 }, (_, i) => ({ n: `${i},` })) };
    const a = draw(new RowCursor(big, 'random', 'wrap', 7), 250);
    expect(draw(new RowCursor(big, 'random', 'wrap', 7), 250)).toBe(a);
    expect(draw(new RowCursor(big, 'random', 'wrap', 8), 250)).not.toBe(a);
  });

  it('reports the seed it drew when none was given, and that seed replays the order', () => {
    const c = new RowCursor(five, 'random', 'wrap');
    const order = draw(c, 15);
    expect(draw(new RowCursor(five, 'random', 'wrap', c.seed), 15)).toBe(order);
  });

  it('stops after one random pass with onEnd stop', () => {
    const c = new RowCursor(five, 'random', 'stop', 3);
    const pass = draw(c, 5);
    expect([...pass].sort().join('')).toBe('01234');
    expect(c.next()).toBeUndefined();
  });

  it('returns undefined for an empty data set rather than looping', () => {
    expect(new RowCursor({ file: 'x', columns: [], rows: [] }, 'random', 'wrap', 1).next()).toBeUndefined();
  });
});
