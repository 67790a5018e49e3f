/**
 * Does the SUT get worse as the run goes on (a leak, a growing queue, a cache that fills)?
 * Compares the first and last third of the per-second timeline by their medians, which one
 * slow second (a GC pause, a CI neighbour) does not move. Thresholds are wide on purpose:
 * per-second p99 varies by ±10 % between quiet runs on CI machines (see FACTS.md).
 */
import { median } from 'simple-statistics';
import type { Degradation, TimelinePoint } from '../model/result.js';

/** Fewer seconds than this give thirds too short to trust. */
const MIN_SECONDS_FOR_TREND = 6;
const LATENCY_GROWTH = 0.5;
const THROUGHPUT_DROP = -0.3;
const ERROR_RATE_GROWTH = 0.01;

export function detectDegradation(timeline: readonly TimelinePoint[]): Degradation | undefined {
  if (timeline.length < MIN_SECONDS_FOR_TREND) return undefined;
  const third = Math.floor(timeline.length / 3);
  const first = timeline.slice(0, third);
  const last = timeline.slice(-third);
  const med = (pts: TimelinePoint[], f: (p: TimelinePoint) => number) => median(pts.map(f));
  const change = (a: number, b: number) => (a > 0 ? (b - a) / a : b > 0 ? 1 : 0);
  const p50Change = change(
    med(first, (p) => p.p50),
    med(last, (p) => p.p50),
  );
  const p99Change = change(
    med(first, (p) => p.p99),
    med(last, (p) => p.p99),
  );
  const rpsChange = change(
    med(first, (p) => p.rps),
    med(last, (p) => p.rps),
  );
  const errRate = (pts: TimelinePoint[]) => {
    const n = pts.reduce((s, p) => s + p.rps, 0);
    return n ? pts.reduce((s, p) => s + p.errors, 0) / n : 0;
  };
  const errorRateChange = errRate(last) - errRate(first);
  const signs: string[] = [];
  if (p50Change > LATENCY_GROWTH) signs.push(`p50 rose ${(p50Change * 100).toFixed(0)}%`);
  if (p99Change > LATENCY_GROWTH) signs.push(`p99 rose ${(p99Change * 100).toFixed(0)}%`);
  if (rpsChange < THROUGHPUT_DROP) signs.push(`throughput fell ${(-rpsChange * 100).toFixed(0)}%`);
  if (errorRateChange > ERROR_RATE_GROWTH)
    signs.push(`error rate rose by ${(errorRateChange * 100).toFixed(1)} points`);
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
  return {
    degraded: signs.length > 0,
    p50Change,
    p99Change,
    rpsChange,
    errorRateChange,
    detail: signs.length
      ? `${signs.join(', ')} from the first to the last third of the run`
      : `stable: p50 ${pct(p50Change)}, p99 ${pct(p99Change)}, throughput ${pct(rpsChange)} from the first to the last third`,
  };
}
