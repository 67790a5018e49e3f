/**
 * JMeter results (JTL) into perfgate's result model, so that baselines, comparison, reports and
 * gates work the same for JMeter users. CSV with or without a header (JMeter 2.13's 12-column
 * default and 5.x's 17-column default are recognized; the columns perfgate needs are the same),
 * and XML (`<httpSample t= ts= s= lb= rc= by=>`). JTL `elapsed` is whole milliseconds: the
 * latencies carry JMeter's precision, not perfgate's microseconds.
 */
import { parse } from 'csv-parse/sync';
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

export function parseJtl(text: string, file = 'JTL'): JtlSample[] {
  const trimmed = text.trimStart();
  return trimmed.startsWith('<') ? parseXml(trimmed, file) : parseCsv(text, file);
}

function parseCsv(text: string, file: string): JtlSample[] {
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true, relax_quotes: true }) as string[][];
  } catch (e) {
    throw new DataError(`${file}: not a readable CSV JTL (${(e as Error).message})`);
  }
  const first = rows[0];
  if (!first) return [];
  const hasHeader = first.includes('timeStamp') && first.includes('elapsed');
  const columns = hasHeader ? first : HEADERLESS[first.length];
  if (!columns)
    throw new DataError(
      `${file}: a CSV JTL without a header must have 12 (JMeter 2.x) or 17 (JMeter 5.x) columns; this one has ${first.length}. Save it with a header (jmeter.save.saveservice.print_field_names=true)`,
    );
  const col = (name: string) => columns.indexOf(name);
  const [ts, el, lb, rc, rm, ok, by] = [
    'timeStamp',
    'elapsed',
    'label',
    'responseCode',
    'responseMessage',
    'success',
    'bytes',
  ].map(col);
  if ([ts, el, ok].some((i) => i === undefined || i < 0))
    throw new DataError(`${file}: the JTL lacks timeStamp, elapsed or success columns`);
  return rows.slice(hasHeader ? 1 : 0).map((r, i) => {
    const sample = {
      ts: Number(r[ts as number]),
      elapsed: Number(r[el as number]),
      label: r[lb as number] ?? '',
      code: r[rc as number] ?? '',
      success: (r[ok as number] ?? '').toLowerCase() === 'true',
      bytes: Number(r[by as number] ?? 0) || 0,
      message: r[rm as number] ?? '',
    };
    if (!Number.isFinite(sample.ts) || !Number.isFinite(sample.elapsed))
      throw new DataError(`${file}: row ${i + (hasHeader ? 2 : 1)} has no numeric timeStamp/elapsed`);
    return sample;
  });
}

function parseXml(text: string, file: string): JtlSample[] {
  if (!text.includes('<testResults')) throw new DataError(`${file}: not an XML JTL (no <testResults>)`);
  const out: JtlSample[] = [];
  // Only top-level samples: sub-results (redirects, embedded resources) sit inside their parent.
  let depth = 0;
  const re = /<(\/?)(httpSample|sample)\b([^>]*?)(\/?)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const [, closing, , attrs = '', selfClosing] = m;
    if (closing) {
      depth--;
      continue;
    }
    if (depth === 0) {
      const a = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1] ?? '';
      out.push({
        ts: Number(a('ts')),
        elapsed: Number(a('t')),
        label: decode(a('lb')),
        code: decode(a('rc')),
        success: a('s') === 'true',
        bytes: Number(a('by')) || 0,
        message: decode(a('rm')),
      });
    }
    if (!selfClosing) depth++;
  }
  return out;
}

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

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
  const start = Math.min(...samples.map((s) => s.ts));
  const end = Math.max(...samples.map((s) => s.ts + s.elapsed));
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
