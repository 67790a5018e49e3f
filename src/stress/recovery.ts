/**
 * Does the SUT come back after the peak? perfgate drops to a low load and watches the
 * per-second timeline: recovered from the first second after which every second is within the
 * limits. A server that is still erroring or slow at the end, crashed, or kept the memory it
 * took under overload has not recovered, and the reason says which.
 */
import type { TimelinePoint } from '../model/result.js';

export interface RecoveryLimits {
  /** Per-second p99 at or under this counts as healthy (ms). */
  p99: number;
  /** Per-second p50 limit, when the SLO has one (ms). */
  p50?: number;
  /** Per-second error share at or under this counts as healthy. */
  errorRate: number;
}

/** Seconds at the end that must all be healthy for a recovery to count. */
const HEALTHY_TAIL_SECONDS = 2;

export function judgeRecovery(
  timeline: readonly TimelinePoint[],
  limits: RecoveryLimits,
): { recovered: boolean; seconds: number | null; reason?: string } {
  const healthy = (p: TimelinePoint) =>
    p.rps > 0 &&
    p.errors / p.rps <= limits.errorRate &&
    p.p99 <= limits.p99 &&
    (limits.p50 === undefined || p.p50 <= limits.p50);
  let firstOfHealthyRun: number | undefined;
  for (let i = timeline.length - 1; i >= 0; i--) {
    if (!healthy(timeline[i] as TimelinePoint)) break;
    firstOfHealthyRun = i;
  }
  const tailOk =
    firstOfHealthyRun !== undefined &&
    timeline.length - firstOfHealthyRun >= Math.min(HEALTHY_TAIL_SECONDS, timeline.length);
  if (tailOk && firstOfHealthyRun !== undefined)
    return { recovered: true, seconds: timeline[firstOfHealthyRun]?.t ?? firstOfHealthyRun };
  const last = timeline.at(-1);
  if (!last || last.rps === 0)
    return { recovered: false, seconds: null, reason: 'no request was answered during the recovery window' };
  const problems: string[] = [];
  if (last.errors / last.rps > limits.errorRate)
    problems.push(`${((last.errors / last.rps) * 100).toFixed(0)}% errors`);
  if (last.p99 > limits.p99) problems.push(`p99 ${last.p99.toFixed(1)} ms over ${limits.p99.toFixed(1)} ms`);
  if (limits.p50 !== undefined && last.p50 > limits.p50)
    problems.push(`p50 ${last.p50.toFixed(1)} ms over ${limits.p50.toFixed(1)} ms`);
  return {
    recovered: false,
    seconds: null,
    reason: `still unhealthy in the last second of the recovery window: ${problems.join(', ') || 'not healthy for long enough'}`,
  };
}
