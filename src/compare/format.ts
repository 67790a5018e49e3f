/** The comparison as a plain-text table (console); the cells are shared with the markdown report. */
import { subjectOf, type Comparison, type ComparedMetric } from '../model/compare.js';
import { percentileLabel } from '../model/percentiles.js';
import { isRatioMetric } from './metrics.js';

const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

export function cells(m: ComparedMetric): string[] {
  const ratio = isRatioMetric(m.metric);
  const value = (v: number) =>
    m.metric === 'throughput' ? v.toFixed(1) : ratio ? v.toFixed(3) : `${(v * 100).toFixed(2)}%`;
  return [
    subjectOf(m),
    percentileLabel(m.metric),
    value(m.baseline),
    value(m.current),
    ratio ? pct(m.ratio - 1) : pct(m.current - m.baseline),
    ratio ? `${pct(m.ci[0] - 1)} … ${pct(m.ci[1] - 1)}` : `${pct(m.ci[0])} … ${pct(m.ci[1])}`,
    m.pValue === null ? '—' : m.pValue < 0.001 ? m.pValue.toExponential(1) : m.pValue.toFixed(3),
    m.mde === null ? 'n/a' : `±${(m.mde * 100).toFixed(1)}%`,
    m.threshold === undefined ? '—' : `${(m.threshold * 100).toFixed(1)}%${m.level === 'warn' ? ' (warn)' : ''}`,
    m.verdict,
  ];
}

export const HEADER = ['profile', 'metric', 'base', 'head', 'change', 'CI', 'p (raw)', 'MDE', 'gate', 'verdict'];

export function formatComparisonTable(c: Comparison): string {
  const rows = c.metrics.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((x, i) => x.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(HEADER),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map(line),
    ...c.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}
