/** The plain-text table printed at the end of `perfgate run`. */
import type { RunResult } from '../model/result.js';
import { percentileReader } from '../verdict/percentile.js';

const ms = (v: number | null) =>
  v === null ? '–' : v < 1 ? `${(v * 1000).toFixed(0)}µs` : v < 100 ? `${v.toFixed(2)}ms` : `${v.toFixed(0)}ms`;

export function formatConsoleSummary(result: RunResult): string {
  const header = ['profile', 'status', 'requests', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max', 'errors'];
  const rows = result.profiles.map((p) => [
    p.name,
    p.status,
    String(p.requests.total),
    p.throughput.rps.toFixed(1),
    ms(p.latency.p50),
    ms(p.latency.p90),
    ms(percentileReader(p)('p95')),
    ms(p.latency.p99),
    ms(p.latency.max),
    p.errors.total === 0
      ? '0'
      : `${p.errors.total} (${Object.entries(p.errors.byClass)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
  out.push(
    '',
    `perfgate: ${result.status.toUpperCase()}${result.reasons.length ? ` — ${result.reasons.slice(0, 5).join('; ')}` : ''}`,
  );
  for (const w of result.warnings) out.push(`warning: ${w}`);
  for (const n of result.notices) out.push(`notice: ${n}`);
  return out.join('\n');
}
