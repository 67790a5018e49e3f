/**
 * JMeter results (JTL) into perfgate's result model, so that baselines, comparison, reports and
 * gates work the same for JMeter users. CSV with or without a header (JMeter 2.13's 12-column
 * default and 5.x's 17-column default are recognized; the columns perfgate needs are the same),
 * and XML (`<httpSample t= ts= s= lb= rc= by=>`). JTL `elapsed` is whole milliseconds: the
 * latencies carry JMeter's precision, not perfgate's microseconds. Files are streamed (csv-parse's
 * stream API, the saxes SAX parser): a long run's JTL holds millions of rows.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse as parseCsvStream } from 'csv-parse';
import { parse as parseCsvText } from 'csv-parse/sync';
import { SaxesParser } from 'saxes';
import { DataError } from '../errors.js';
import { LoadRecorder } from '../load/recorder.js';
import type { ErrorClass, ProfileResult } from '../model/result.js';
import { emptyMeasurement } from '../load/empty.js';

export interface JtlSample {
  ts: number;
  elapsed: number;
  label: string;
  code: string;
  success: boolean;
  bytes: number;
  message: string;
}

const HEADERLESS: Record<number, string[]> = {
  12: [
    'timeStamp',
    'elapsed',
    'label',
    'responseCode',
    'responseMessage',
    'threadName',
    'dataType',
    'success',
    'bytes',
    'grpThreads',
    'allThreads',
    'Latency',
  ],
  17: [
    'timeStamp',
    'elapsed',
    'label',
    'responseCode',
    'responseMessage',
    'threadName',
    'dataType',
    'success',
    'failureMessage',
    'bytes',
    'sentBytes',
    'grpThreads',
    'allThreads',
    'URL',
    'Latency',
    'IdleTime',
    'Connect',
  ],
};

/** Parses a JTL already in memory (the `jmeter` profile's own small file). */
export function parseJtl(text: string, file = 'JTL'): JtlSample[] {
  if (text.trimStart().startsWith('<')) {
    const xml = xmlSink(file);
    xml.write(text);
    return xml.end();
  }
  const csv = csvSink(file);
  let rows: string[][];
  try {
    rows = parseCsvText(text, CSV_OPTIONS) as string[][];
  } catch (e) {
    throw new DataError(`${file}: not a readable CSV JTL (${(e as Error).message})`);
  }
  for (const row of rows) csv.add(row);
  return csv.samples;
}

/**
 * Streams a JTL from disk: JTLs of long runs hold millions of rows, so neither the text nor the
 * parsed rows are held whole, only the samples.
 */
export async function readJtl(file: string): Promise<JtlSample[]> {
  if (await startsWithMarkup(file)) {
    const xml = xmlSink(file);
    for await (const chunk of createReadStream(file, { encoding: 'utf8' })) xml.write(chunk as string);
    return xml.end();
  }
  const csv = csvSink(file);
  try {
    for await (const row of createReadStream(file).pipe(parseCsvStream(CSV_OPTIONS))) csv.add(row as string[]);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${file}: not a readable CSV JTL (${(e as Error).message})`);
  }
  return csv.samples;
}

const CSV_OPTIONS = { relax_column_count: true, skip_empty_lines: true, relax_quotes: true, bom: true };

async function startsWithMarkup(file: string): Promise<boolean> {
  const handle = await open(file);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer
      .toString('utf8', 0, bytesRead)
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('<');
  } finally {
    await handle.close();
  }
}

/** Takes CSV rows one by one: the first says whether there is a header and where the columns are. */
function csvSink(file: string): { add(row: string[]): void; samples: JtlSample[] } {
  const samples: JtlSample[] = [];
  let index: number[] | undefined;
  let line = 0;
  const add = (r: string[]) => {
    line++;
    if (!index) {
      const hasHeader = r.includes('timeStamp') && r.includes('elapsed');
      index = columnIndex(hasHeader ? r : HEADERLESS[r.length], r.length, file);
      if (hasHeader) return;
    }
    const [ts, el, lb, rc, rm, ok, by] = index as [number, number, number, number, number, number, number];
    const sample = {
      ts: Number(r[ts]),
      elapsed: Number(r[el]),
      label: r[lb] ?? '',
      code: r[rc] ?? '',
      success: (r[ok] ?? '').toLowerCase() === 'true',
      bytes: Number(r[by] ?? 0) || 0,
      message: r[rm] ?? '',
    };
    if (!Number.isFinite(sample.ts) || !Number.isFinite(sample.elapsed))
      throw new DataError(`${file}: row ${line} has no numeric timeStamp/elapsed`);
    samples.push(sample);
  };
  return { add, samples };
}

function columnIndex(columns: string[] | undefined, width: number, file: string): number[] {
  if (!columns)
    throw new DataError(
      `${file}: a CSV JTL without a header must have 12 (JMeter 2.x) or 17 (JMeter 5.x) columns; this one has ${width}. Save it with a header (jmeter.save.saveservice.print_field_names=true)`,
    );
  const index = ['timeStamp', 'elapsed', 'label', 'responseCode', 'responseMessage', 'success', 'bytes'].map((c) =>
    columns.indexOf(c),
  );
  if ([index[0], index[1], index[5]].some((i) => i === undefined || i < 0))
    throw new DataError(`${file}: the JTL lacks timeStamp, elapsed or success columns`);
  return index;
}

/** A SAX parser (saxes: entities decoded, malformed XML refused) fed chunk by chunk. */
function xmlSink(file: string): { write(chunk: string): void; end(): JtlSample[] } {
  const samples: JtlSample[] = [];
  const parser = new SaxesParser();
  let root: string | undefined;
  // Only top-level samples: sub-results (redirects, embedded resources) sit inside their parent.
  let depth = 0;
  parser.on('opentag', (tag) => {
    root ??= tag.name;
    if (root !== 'testResults') throw new DataError(`${file}: not an XML JTL (no <testResults>)`);
    if (tag.name !== 'httpSample' && tag.name !== 'sample') return;
    if (depth++ > 0) return;
    const a = (name: string) => (tag.attributes as Record<string, string>)[name] ?? '';
    samples.push({
      ts: Number(a('ts')),
      elapsed: Number(a('t')),
      label: a('lb'),
      code: a('rc'),
      success: a('s') === 'true',
      bytes: Number(a('by')) || 0,
      message: a('rm'),
    });
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'httpSample' || tag.name === 'sample') depth--;
  });
  const guard = (step: () => void) => {
    try {
      step();
    } catch (e) {
      if (e instanceof DataError) throw e;
      throw new DataError(`${file}: not a readable XML JTL (${(e as Error).message})`);
    }
  };
  return {
    write: (chunk) => guard(() => parser.write(chunk)),
    end: () => {
      guard(() => parser.close());
      if (root !== 'testResults') throw new DataError(`${file}: not an XML JTL (no <testResults>)`);
      return samples;
    },
  };
}

function failureClass(s: JtlSample): ErrorClass {
  const code = Number(s.code);
  if (code >= 500) return '5xx';
  if (code >= 400) return '4xx';
  const text = `${s.code} ${s.message}`;
  if (/timeout|timed out/i.test(text)) return 'timeout';
  if (/ConnectException|refused/i.test(text)) return 'refused';
  if (/reset|NoHttpResponse|closed/i.test(text)) return 'reset';
  return 'other';
}

/** One profile of the samples; `kind: jmeter`, the whole JTL span as the measured window. */
export function jtlProfile(name: string, samples: readonly JtlSample[]): ProfileResult {
  if (samples.length === 0)
    return {
      name,
      kind: 'jmeter',
      status: 'error',
      reasons: ['the JTL holds no samples'],
      ...emptyMeasurement(),
      startedAt: new Date(0).toISOString(),
      slo: { pass: false, checks: [] },
    };
  // Loops, not Math.min(...samples): spreading 250,000 arguments overflows the call stack.
  let start = Infinity;
  let end = -Infinity;
  for (const s of samples) {
    start = Math.min(start, s.ts);
    end = Math.max(end, s.ts + s.elapsed);
  }
  const recorder = new LoadRecorder(start, 0);
  for (const s of samples) {
    const at = s.ts + s.elapsed;
    const code = Number(s.code);
    if (s.success) recorder.response(at, s.elapsed, Number.isFinite(code) && code > 0 ? code : 200, s.bytes);
    else if (Number.isFinite(code) && code >= 400) recorder.response(at, s.elapsed, code, s.bytes);
    else recorder.failure(at, failureClass(s), `${s.code} ${s.message}`.trim().slice(0, 150));
  }
  const m = recorder.finish(Math.max(end, start + 1000));
  return {
    name,
    kind: 'jmeter',
    status: 'pass',
    reasons: [],
    startedAt: new Date(start).toISOString(),
    ...m,
    slo: { pass: true, checks: [] },
  };
}
