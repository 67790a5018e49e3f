/** The plain-text table printed at the end of `perfgate run`, in the numbers of the reports. */
import type { EndpointResult, RunResult } from '../model/result.js';
import { percentileReader } from '../verdict/percentile.js';
import { busiestEndpoints } from './markdown-endpoints.js';
import { formatCount, formatOptionalMs as ms, formatRate } from './numbers.js';

type Measured = Pick<EndpointResult, 'requests' | 'throughput' | 'latency' | 'histogram' | 'errors'>;

function row(name: string, status: string, m: Measured): string[] {
  return [
    name,
    status,
    formatCount(m.requests.total),
    formatRate(m.throughput.rps),
    ms(m.latency.p50),
    ms(m.latency.p90),
    ms(percentileReader(m)('p95')),
    ms(m.latency.p99),
    ms(m.latency.max),
    m.errors.total === 0
      ? '0'
      : `${formatCount(m.errors.total)} (${Object.entries(m.errors.byClass)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${formatCount(n)}`)
          .join(', ')})`,
  ];
}

export function formatConsoleSummary(result: RunResult): string {
  const header = ['profile', 'status', 'requests', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max', 'errors'];
  // Each profile, then (indented) its endpoints when it has several, busiest first.
  const rows = result.profiles.flatMap((p) => [
    row(p.name, p.status, p),
    ...busiestEndpoints(p).map((e) => row(`  › ${e.name}`, '', e)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
  out.push('', formatVerdictLine(result));
  for (const w of result.warnings) out.push(`warning: ${w}`);
  for (const n of result.notices) out.push(`notice: ${n}`);
  return out.join('\n');
}

/** `perfgate: FAIL — reason; reason`: the last line of the summary, and all that `run --quiet` prints besides the paths. */
export function formatVerdictLine(result: Pick<RunResult, 'status' | 'reasons'>): string {
  return `perfgate: ${result.status.toUpperCase()}${result.reasons.length ? ` — ${result.reasons.slice(0, 5).join('; ')}` : ''}`;
}
