/** The plain-text table printed at the end of `perfgate run`. */
import type { EndpointResult, RunResult } from '../model/result.js';
import { percentileReader } from '../verdict/percentile.js';
import { busiestEndpoints } from './markdown-endpoints.js';

const ms = (v: number | null) =>
  v === null ? '–' : v < 1 ? `${(v * 1000).toFixed(0)}µs` : v < 100 ? `${v.toFixed(2)}ms` : `${v.toFixed(0)}ms`;

type Measured = Pick<EndpointResult, 'requests' | 'throughput' | 'latency' | 'histogram' | 'errors'>;

function row(name: string, status: string, m: Measured): string[] {
  return [
    name,
    status,
    String(m.requests.total),
    m.throughput.rps.toFixed(1),
    ms(m.latency.p50),
    ms(m.latency.p90),
    ms(percentileReader(m)('p95')),
    ms(m.latency.p99),
    ms(m.latency.max),
    m.errors.total === 0
      ? '0'
      : `${m.errors.total} (${Object.entries(m.errors.byClass)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
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
