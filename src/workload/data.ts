/**
 * Data files of a profile (`data: { file: users.csv }`): each row's columns become `{{column}}`.
 * A `.csv` has a header row, then one row per line (csv-parse, the parser perfgate already uses for
 * JTL files); a `.json` is an array of flat objects. Every row has every column, so a template
 * that compiled against the columns always finds its value.
 *
 * The whole file is held in memory (rows are drawn at request rate, a read per request would cost
 * more than the request), so it is bounded: at most 100 MB on disk and 1,000,000 rows. JavaScript
 * strings take about twice the file's bytes, so the bound keeps a data file under ~300 MB of heap.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { seededRandom, shuffle } from '../compare/prng.js';
import { ConfigError } from '../errors.js';

const MAX_DATA_FILE_BYTES = 100 * 1000 * 1000;
const MAX_DATA_ROWS = 1_000_000;

export type DataRow = Readonly<Record<string, string>>;

export interface DataSet {
  /** The path as written in the config (messages name it so). */
  file: string;
  columns: readonly string[];
  rows: readonly DataRow[];
}

export async function loadDataFile(file: string, baseDir: string, field: string): Promise<DataSet> {
  const abs = path.resolve(baseDir, file);
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') {
    throw new ConfigError(
      `${field}: ${JSON.stringify(file)} is neither .csv nor .json; expected a data file such as users.csv or items.json`,
    );
  }
  const cannot = (why: string) =>
    new ConfigError(
      `${field}: cannot read ${JSON.stringify(file)} (resolved to ${abs}: ${why}); expected a file relative to the config file`,
    );
  const info = await stat(abs).catch((e: NodeJS.ErrnoException) => {
    throw cannot(e.code ?? e.message);
  });
  if (!info.isFile()) throw cannot('not a file');
  if (info.size > MAX_DATA_FILE_BYTES) {
    throw new ConfigError(
      `${field}: ${file} is ${(info.size / 1e6).toFixed(1)} MB; a data file may have at most 100 MB and 1,000,000 rows: use a sample of it`,
    );
  }
  const text = await readFile(abs, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw cannot(e.code ?? e.message);
  });
  try {
    return ext === '.csv' ? parseCsvData(text, file) : parseJsonData(text, file);
  } catch (e) {
    // The file and line say where in the data; the field says which profile's data it is.
    if (e instanceof ConfigError) throw new ConfigError(`${field}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** A CSV data set: a header row of unique, non-empty names (trimmed), then rows of as many fields. */
export function parseCsvData(text: string, file: string): DataSet {
  let records: string[][];
  try {
    // csv-parse checks that every row has the header's number of fields (its `info` option would
    // give each row's line too, but triples the parse time: 1M rows took 4 s instead of 1.2 s).
    // `to` stops the parser past the limit instead of reading millions of rows to refuse them.
    records = parseCsv(text, { bom: true, skip_empty_lines: true, to: MAX_DATA_ROWS + 2 });
  } catch (e) {
    throw csvError(e, text, file);
  }
  const [header, ...body] = records;
  if (!header) throw new ConfigError(`${file}: the file is empty; expected a header row of column names, then rows`);
  const columns = header.map((c) => c.trim());
  checkColumns(columns, `${file}:1`);
  if (body.length === 0) throw new ConfigError(`${file}: has a header row but no rows; expected at least one row`);
  if (body.length > MAX_DATA_ROWS) throw tooManyRows(file);
  return {
    file,
    columns,
    rows: body.map((record) => {
      // Plain objects assigned in column order share one hidden class (compact, fast to read);
      // checkColumns refuses "__proto__", the one key an assignment would not store.
      const row: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) row[columns[i] as string] = record[i] as string;
      return row;
    }),
  };
}

function csvError(e: unknown, text: string, file: string): ConfigError {
  const { code, lines, record, message } = e as { code?: string; lines?: number; record?: string[]; message: string };
  const at = `${file}${lines ? `:${lines}` : ''}`;
  if (code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && record) {
    // The header parsed fine (the error is about a later row): read it again to name the columns.
    const header = ((parseCsv(text, { bom: true, skip_empty_lines: true, to: 1 }) as string[][])[0] ?? []).map((c) =>
      c.trim(),
    );
    const n = record.length;
    return new ConfigError(
      `${at}: the row has ${n} field${n === 1 ? '' : 's'}; expected ${header.length} (${header.join(', ')})`,
    );
  }
  return new ConfigError(`${at}: not valid CSV (${message})`);
}

function checkColumns(columns: readonly string[], where: string): void {
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (c === '')
      throw new ConfigError(`${where}: column ${i + 1} of the header has no name; expected a name for every column`);
    if (seen.has(c))
      throw new ConfigError(
        `${where}: the column ${JSON.stringify(c)} appears twice in the header; expected unique names`,
      );
    if (c === '__proto__') throw new ConfigError(`${where}: "__proto__" cannot be a column name; rename the column`);
    seen.add(c);
  });
}

/** A JSON data set: an array of flat objects with the same keys, values strings, numbers or booleans. */
export function parseJsonData(text: string, file: string): DataSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) {
    throw new ConfigError(
      `${file}: the file holds ${describe(data)}; expected an array of objects such as [{"email": "a@b.test"}]`,
    );
  }
  if (data.length === 0) throw new ConfigError(`${file}: the array is empty; expected at least one object`);
  if (data.length > MAX_DATA_ROWS) throw tooManyRows(file);
  const first = data[0];
  const columns = first !== null && typeof first === 'object' && !Array.isArray(first) ? Object.keys(first) : [];
  checkColumns(columns, `${file}: [0]`);
  const known = new Set(columns);
  const rows = data.map((item: unknown, i) => jsonRow(item, i, columns, known, file));
  return { file, columns, rows };
}

function jsonRow(item: unknown, i: number, columns: readonly string[], known: Set<string>, file: string): DataRow {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new ConfigError(`${file}: [${i}] is ${describe(item)}; expected an object of column names and values`);
  }
  const keys = Object.keys(item);
  if (keys.length !== columns.length || !keys.every((k) => known.has(k))) {
    throw new ConfigError(
      `${file}: [${i}] has the keys ${keys.join(', ') || '(none)'}; expected the same keys as [0]: ${columns.join(', ')}`,
    );
  }
  const row: Record<string, string> = {};
  for (const key of columns) {
    const v = (item as Record<string, unknown>)[key];
    if (typeof v === 'string') row[key] = v;
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') row[key] = String(v);
    else {
      throw new ConfigError(
        `${file}: [${i}].${key} is ${describe(v)}; expected a string, number or boolean (write "" for an empty value)`,
      );
    }
  }
  return row;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function tooManyRows(file: string): ConfigError {
  return new ConfigError(
    `${file}: has more than 1,000,000 rows; a data file may have at most 1,000,000 rows: use a sample of it`,
  );
}

/**
 * Draws rows for requests (or, with `scope: connection`, one per virtual user). `sequential` walks
 * the rows in file order; `random` walks a seeded shuffle, so each row is drawn once per pass
 * (without replacement: a CSV of unique users stays unique until it wraps), and reshuffles on wrap.
 * `stop` returns undefined after the last row, and the engine stops sending. The generator is
 * compare/prng.ts's seeded mulberry32, so an order replays from its seed.
 */
export class RowCursor {
  /** The seed of `random` order (drawn at random when none is given): log it to replay an order. */
  readonly seed: number;
  private readonly rows: readonly DataRow[];
  private readonly onEnd: 'wrap' | 'stop';
  private readonly shuffled: number[] | undefined;
  private readonly random: () => number;
  private at = 0;

  constructor(data: DataSet, order: 'sequential' | 'random', onEnd: 'wrap' | 'stop', seed?: number) {
    this.rows = data.rows;
    this.onEnd = onEnd;
    this.seed = seed ?? Math.floor(Math.random() * 2 ** 32);
    this.random = seededRandom(this.seed);
    if (order === 'random') {
      this.shuffled = [...this.rows.keys()];
      shuffle(this.shuffled, this.random);
    }
  }

  next(): DataRow | undefined {
    if (this.at >= this.rows.length) {
      if (this.onEnd === 'stop' || this.rows.length === 0) return undefined;
      this.at = 0;
      if (this.shuffled) shuffle(this.shuffled, this.random);
    }
    const i = this.shuffled ? (this.shuffled[this.at] as number) : this.at;
    this.at++;
    return this.rows[i];
  }
}
