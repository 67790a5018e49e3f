/** Number formats shared by the reports (markdown, HTML, console). */

/** A latency in ms, with µs below 1 ms: "340µs", "2.41ms", "180ms", "2.3s". */
export function formatMs(v: number): string {
  if (v === 0) return '0';
  if (v < 1) return `${Math.round(v * 1000)}µs`;
  if (v < 100) return `${v.toFixed(2)}ms`;
  if (v < 10_000) return `${Math.round(v)}ms`;
  return `${(v / 1000).toFixed(1)}s`;
}

/** A latency that a result may not have (a p95 of a result without histogram): "–". */
export function formatOptionalMs(v: number | null): string {
  return v === null ? '–' : formatMs(v);
}

export function formatRate(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
}

export function formatPercent(ratio: number, digits = 2): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** A one-line unicode chart of a series (for markdown, where no images are allowed inline). */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  return values
    .map((v) => SPARKS[Math.min(SPARKS.length - 1, Math.floor(((v - min) / span) * (SPARKS.length - 1) + 0.5))])
    .join('');
}

export const STATUS_ICON = { pass: '✅', fail: '❌', inconclusive: '⚠️', error: '💥' } as const;

/** An SLO check: ✅ met; ❌ missed; ⚠️ missed at `level: warn`, or not measured. */
export function checkIcon(c: { pass: boolean; actual: number | null; level?: 'warn' | undefined }): string {
  return c.pass ? '✅' : c.level === 'warn' || c.actual === null ? '⚠️' : '❌';
}
