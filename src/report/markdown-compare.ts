/**
 * The comparison sections of the markdown report (baseline or same-runner A/B): the rows a reader
 * must see (gated, or moved), marked ❌/⚠️/✅ and failing first, with the gates under them, and
 * for an A/B the base and head side by side. They come right after the verdict (issue 14: the
 * comparison that decided a run was printed last, under a table of the last head trial that
 * read as the run's result). The quiet rows and the notes on how to read the table go to the
 * details (issue 16: a report read in ten seconds).
 */
import { markdownTable } from 'markdown-table';
import {
  AB_CHANGE_NOTE,
  cells,
  comparisonHeader,
  designSentence,
  gatesSentence,
  neighboursSentence,
} from '../compare/format.js';
import { noiseSentences } from '../compare/noise.js';
import type { ComparedMetric, Comparison } from '../model/compare.js';
import type { ProfileResult } from '../model/result.js';
import { escapeMarkdown, inlineCode } from './escape.js';
import { STATUS_ICON } from './format.js';
import { formatMs, formatPercent, formatRate } from './numbers.js';
import { gatedRegressionRows, unseenGateRows } from '../compare/regression-gate.js';
import { comparisonRows } from './layout.js';
import { worstStatus } from '../verdict/status.js';

export interface ComparisonOptions {
  /** The smallest PR comment: the quiet rows are counted, not shown. */
  summaryOnly?: boolean | undefined;
}

const MDE_NOTE =
  'MDE: the smallest change this run could detect with 95% power at its own noise level. Gate: fails only on a significant regression past it.';

export function comparisonSection(c: Comparison, options: ComparisonOptions = {}): string[] {
  const title =
    c.method === 'ab'
      ? 'Same-runner A/B (base vs head)'
      : `Comparison with the baseline${c.baseline?.sha ? ` (${inlineCode(c.baseline.sha.slice(0, 7))})` : ''}`;
  const { shown } = comparisonRows(c);
  const out = ['', `### ${title}`, ''];
  if (shown.length) out.push(...tableOf(c, shown));
  else out.push('No compared row has a gate or moved.');
  const left = c.metrics.length - shown.length;
  if (left > 0) {
    const where = options.summaryOnly ? 'in report.md' : 'under Details';
    out.push(
      '',
      `${left} more row${left === 1 ? '' : 's'} without a gate and without a change ${left === 1 ? 'is' : 'are'} ${where}.`,
    );
  }
  const gates = gatesSentence(c);
  if (gates) out.push('', gates);
  const neighbours = neighboursSentence(c);
  if (neighbours) out.push('', neighbours);
  const noise = noiseSentences(c);
  if (noise.length) out.push('', ...noise.map((n) => `- ${escapeMarkdown(n)}`));
  const design = designSentence(c);
  if (design) out.push('', escapeMarkdown(design));
  if (c.warnings.length) out.push('');
  for (const w of c.warnings) out.push(`- ⚠️ ${escapeMarkdown(w)}`);
  return out;
}

function tableOf(c: Comparison, rows: readonly { m: ComparedMetric; mark: string }[]): string[] {
  const header = ['', ...comparisonHeader(c.method)];
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map(({ m, mark }) => `| ${[mark, ...cells(m).map(escapeMarkdown)].join(' | ')} |`),
  ];
}

/**
 * The comparison's part of the details: the rows without a gate and without a change (left out
 * of the summary), then how to read the table (the MDE, and for an A/B why its change can differ
 * from the ratio of the medians).
 */
export function comparisonDetails(c: Comparison, options: ComparisonOptions = {}): string[] {
  const { quiet } = comparisonRows(c);
  const out: string[] = [];
  if (quiet.length && !options.summaryOnly)
    out.push(
      '',
      '#### Compared rows without a gate and without a change',
      '',
      ...tableOf(
        c,
        quiet.map((m) => ({ m, mark: '✅' })),
      ),
    );
  out.push('');
  if (c.method === 'ab') out.push(AB_CHANGE_NOTE, '');
  out.push(MDE_NOTE);
  return out;
}

/** A subject's p50, p99, throughput and error rate from the A/B's rows (medians of the trials). */
type Sides = Partial<Record<'p50' | 'p99' | 'throughput' | 'errorRate', ComparedMetric>>;

function sidesOf(c: Comparison): Map<string, { profile: string; endpoint?: string | undefined; sides: Sides }> {
  const out = new Map<string, { profile: string; endpoint?: string | undefined; sides: Sides }>();
  for (const m of c.metrics) {
    if (m.metric !== 'p50' && m.metric !== 'p99' && m.metric !== 'throughput' && m.metric !== 'errorRate') continue;
    const key = JSON.stringify([m.profile, m.endpoint ?? null]);
    const entry = out.get(key) ?? { profile: m.profile, endpoint: m.endpoint, sides: {} };
    entry.sides[m.metric] = m;
    out.set(key, entry);
  }
  return out;
}

function arrow(m: ComparedMetric | undefined, format: (v: number) => string): string {
  return m ? `${format(m.baseline)} → ${format(m.current)}` : '–';
}

/**
 * The A/B's main table: each profile (and its busiest endpoints, `maxEndpoints`) with base and
 * head side by side, the medians of their trials. It replaces the table of the last head trial,
 * which is one trial of one side. Only profiles in `profiles` (the size planner may cut some).
 */
export function abSidesSection(
  c: Comparison,
  profiles: readonly Pick<ProfileResult, 'name' | 'status'>[],
  options: { maxEndpoints?: number | undefined; summaryOnly?: boolean | undefined } = {},
): string[] {
  const subjects = [...sidesOf(c).values()];
  const rows: string[][] = [];
  // A profile's mark in an A/B is its comparison's outcome as well as its last head trial's status.
  const regressed = new Set(gatedRegressionRows(c).map((m) => m.profile));
  const unseen = new Set(unseenGateRows(c).map((m) => m.profile));
  const icon = (p: Pick<ProfileResult, 'name' | 'status'>) =>
    STATUS_ICON[
      worstStatus([p.status, regressed.has(p.name) ? 'fail' : 'pass', unseen.has(p.name) ? 'inconclusive' : 'pass'])
    ];
  for (const p of profiles) {
    const own = subjects.find((s) => s.profile === p.name && s.endpoint === undefined);
    if (!own) {
      rows.push([`${icon(p)} ${escapeMarkdown(p.name)}`, 'not compared', '–', '–', '–']);
      continue;
    }
    rows.push(sidesRow(`${icon(p)} ${escapeMarkdown(p.name)}`, own.sides));
    if (options.summaryOnly) continue;
    const endpoints = subjects
      .filter((s) => s.profile === p.name && s.endpoint !== undefined)
      .sort((a, b) => (b.sides.throughput?.current ?? 0) - (a.sides.throughput?.current ?? 0));
    for (const e of endpoints.slice(0, options.maxEndpoints ?? Infinity))
      rows.push(sidesRow(`› ${escapeMarkdown(e.endpoint ?? '')}`, e.sides));
  }
  if (subjects.length === 0 || rows.length === 0) return [];
  const table = markdownTable(
    [['profile', 'p50 base → head', 'p99 base → head', 'req/s base → head', 'errors base → head'], ...rows],
    { align: ['l', 'r', 'r', 'r', 'r'] },
  );
  return ['', '### Base and head (medians of the trials)', '', table];
}

function sidesRow(name: string, s: Sides): string[] {
  return [
    name,
    arrow(s.p50, formatMs),
    arrow(s.p99, formatMs),
    arrow(s.throughput, formatRate),
    arrow(s.errorRate, (v) => formatPercent(v)),
  ];
}
