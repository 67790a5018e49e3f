/**
 * Charts that render in a GitHub comment without images: Mermaid `xychart-beta` blocks. xychart
 * has one y axis and no legend, so each chart holds one quantity (throughput and errors once
 * shared a "requests" axis), its y axis starts at zero, and its title says which line is which
 * (SLO limits are flat lines). Series are thinned to at most MAX_POINTS so that long runs stay
 * readable and small. Names from outside perfgate are reduced to plain characters: a quote or a
 * newline could otherwise end the Mermaid statement.
 */
import { percentileLabel } from '../model/percentiles.js';
import type { ProfileResult } from '../model/result.js';

const MAX_POINTS = 60;

function label(text: string, max = 100): string {
  return text
    .replace(/[^A-Za-z0-9 _.:/(),%-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

/** Keeps at most `max` points, evenly spaced, always including the last one. */
export function thin<T>(points: readonly T[], max = MAX_POINTS): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)] as T);
}

const num = (v: number) => (Number.isFinite(v) ? (Math.round(v * 100) / 100).toString() : '0');

function chart(
  title: string,
  xName: string,
  xs: readonly (string | number)[],
  yName: string,
  series: { kind: 'line' | 'bar'; values: readonly number[] }[],
): string {
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${label(title, 200)}"`,
    `  x-axis "${label(xName)}" [${xs.map((x) => `"${typeof x === 'number' ? num(x) : label(x)}"`).join(', ')}]`,
    `  y-axis "${label(yName)}" 0 --> ${num(max * 1.1)}`,
    ...series.map((s) => `  ${s.kind} [${s.values.map(num).join(', ')}]`),
    '```',
  ].join('\n');
}

/** The profile's own SLO limits in `unit`, as flat lines with their words for the title. */
function sloLines(p: ProfileResult, unit: 'ms' | 'rps', length: number): { words: string; values: number[] }[] {
  return p.slo.checks
    .filter((c) => c.unit === unit && c.endpoint === undefined)
    .map((c) => ({
      words: `SLO ${percentileLabel(c.metric)} limit ${num(c.limit)} (flat line)`,
      values: Array.from({ length }, () => c.limit),
    }));
}

/**
 * Latency (p50 lower line, p99 upper line, each latency SLO limit a flat line), throughput (with
 * its SLO limit) and, when there were any, errors per second, each on its own axis from zero.
 * The timeline starts after the warmup, which the x axis says.
 */
export function timelineCharts(p: ProfileResult): string[] {
  if (p.timeline.length < 2) return [];
  const points = thin(p.timeline);
  const xs = points.map((t) => t.t);
  const x = p.warmupSec > 0 ? `seconds after the ${num(p.warmupSec)} s warmup` : 'second';
  const latencySlo = sloLines(p, 'ms', points.length);
  const rpsSlo = sloLines(p, 'rps', points.length);
  const out = [
    chart(
      [`${p.name}: latency per second, ms: p50 (lower), p99 (upper)`, ...latencySlo.map((l) => l.words)].join(', '),
      x,
      xs,
      'ms',
      [
        { kind: 'line', values: points.map((t) => t.p50) },
        { kind: 'line', values: points.map((t) => t.p99) },
        ...latencySlo.map((l) => ({ kind: 'line' as const, values: l.values })),
      ],
    ),
    chart([`${p.name}: throughput per second (bars)`, ...rpsSlo.map((l) => l.words)].join(', '), x, xs, 'req per s', [
      { kind: 'bar', values: points.map((t) => t.rps) },
      ...rpsSlo.map((l) => ({ kind: 'line' as const, values: l.values })),
    ]),
  ];
  if (points.some((t) => t.errors > 0))
    out.push(
      chart(`${p.name}: errors per second`, x, xs, 'errors per s', [
        { kind: 'line', values: points.map((t) => t.errors) },
      ]),
    );
  return out;
}

/** The stress curve: achieved throughput per step (bars) against the offered load, and p99 per step. */
export function stressCharts(p: ProfileResult): string[] {
  const steps = p.stress?.steps ?? [];
  if (steps.length < 2) return [];
  const xs = steps.map((s) => (s.connections !== undefined ? `${s.connections}c` : `${Math.round(s.offered)}`));
  return [
    chart(
      `${p.name}: achieved (bars) vs offered (line) req per s`,
      p.stress?.steps[0]?.connections !== undefined ? 'connections' : 'offered req per s',
      xs,
      'req per s',
      [
        { kind: 'bar', values: steps.map((s) => s.achievedRps) },
        { kind: 'line', values: steps.map((s) => (s.connections !== undefined ? s.achievedRps : s.offered)) },
      ],
    ),
    chart(`${p.name}: p99 per step, ms`, 'step', xs, 'ms', [{ kind: 'line', values: steps.map((s) => s.p99) }]),
  ];
}

/** A metric over stored results (oldest first), e.g. p50 per commit from the baseline history; `unit` names the y axis. */
export function trendChart(
  title: string,
  points: readonly { label: string; value: number }[],
  unit: string,
): string | undefined {
  if (points.length < 2) return undefined;
  const thinned = thin(points);
  return chart(
    title,
    'commit',
    thinned.map((p) => p.label.slice(0, 7)),
    unit,
    [{ kind: 'line', values: thinned.map((p) => p.value) }],
  );
}
