/**
 * When does a stepped ramp stop? Pure rules over the measured steps, so that they can be tested
 * on numbers alone. The first rule that fires names the breaking point.
 */
import type { Slo } from '../config/sections/request.js';
import { describeCheck, evaluateSlo } from '../verdict/slo.js';
import type { LoadMeasurement } from '../load/types.js';
import type { StressResult } from '../model/stress.js';

export type StressStep = StressResult['steps'][number];
export type BreakReason = StressResult['breakingPoint']['reason'];

/** Default error limit of a step when neither `errorLimit` nor `slo.errorRate` is set. */
export const DEFAULT_ERROR_LIMIT = 0.05;
/**
 * The knee: offered load grew but throughput grew by less than this share of it, while p99 grew
 * by more than KNEE_LATENCY_GROWTH. A server past its capacity queues (latency up) without
 * serving more (throughput flat); USL/queueing theory's saturation point.
 */
const KNEE_THROUGHPUT_SHARE = 0.25;
const KNEE_LATENCY_GROWTH = 0.5;

/** The SLO of one step: latency and error limits only (a minimum throughput gates the capacity instead). */
export function stepSlo(slo: Slo): Slo {
  const { throughput: _ignored, ...rest } = slo;
  return rest;
}

export function toStep(
  offered: number,
  connections: number | undefined,
  m: LoadMeasurement,
  slo: Slo,
  errorLimit: number,
): StressStep & { sloDetail: string[] } {
  const attempts = m.requests.total + m.requests.dropped;
  // Dropped arrivals (the open model's in-flight cap) are failures to serve, not a free pass.
  const errorRate = attempts === 0 ? 0 : (m.errors.total + m.requests.dropped) / attempts;
  const checks = evaluateSlo(stepSlo(slo), m).checks;
  const failed = checks.filter((c) => !c.pass).map(describeCheck);
  if (errorRate > errorLimit)
    failed.push(`error rate ${(errorRate * 100).toFixed(2)}% over the ${(errorLimit * 100).toFixed(2)}% limit`);
  return {
    offered,
    ...(connections !== undefined ? { connections } : {}),
    achievedRps: m.throughput.rps,
    p50: m.latency.p50,
    p99: m.latency.p99,
    errorRate,
    metSlo: failed.length === 0 && m.requests.total > 0,
    generatorSaturated: m.generator?.saturated ?? false,
    sloDetail: failed,
  };
}

/** Why the ramp must stop after `current`, or undefined to go on. Crash and budget are decided by the runner. */
export function breakReason(
  previous: StressStep | undefined,
  current: StressStep & { sloDetail: string[] },
  errorLimit: number,
): { reason: BreakReason; detail: string } | undefined {
  if (current.errorRate > errorLimit) {
    return {
      reason: 'errors',
      detail: `error rate ${(current.errorRate * 100).toFixed(1)}% at ${describeOffered(current)} passed the ${(errorLimit * 100).toFixed(1)}% limit`,
    };
  }
  if (!current.metSlo) {
    return {
      reason: 'slo',
      detail: `SLO broken at ${describeOffered(current)}: ${current.sloDetail.join('; ') || 'no request completed'}`,
    };
  }
  if (previous && previous.achievedRps > 0 && previous.p99 > 0) {
    const offeredGrowth = current.offered / previous.offered - 1;
    const throughputGrowth = current.achievedRps / previous.achievedRps - 1;
    const latencyGrowth = current.p99 / previous.p99 - 1;
    if (
      offeredGrowth > 0 &&
      throughputGrowth < KNEE_THROUGHPUT_SHARE * offeredGrowth &&
      latencyGrowth > KNEE_LATENCY_GROWTH
    ) {
      return {
        reason: 'knee',
        detail: `throughput stopped rising (${pct(throughputGrowth)} for ${pct(offeredGrowth)} more load) while p99 climbed ${pct(latencyGrowth)} at ${describeOffered(current)}`,
      };
    }
  }
  return undefined;
}

export function describeOffered(step: Pick<StressStep, 'offered' | 'connections'>): string {
  return step.connections !== undefined ? `${step.connections} connections` : `${round(step.offered)} req/s offered`;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
const round = (x: number) => (x >= 100 ? Math.round(x) : Math.round(x * 10) / 10);

/** The offered loads of a ramp: start, start+step, … up to max (max itself included). */
export function rampSteps(ramp: { start: number; step: number; max: number }): number[] {
  const out: number[] = [];
  for (let v = ramp.start; v <= ramp.max + 1e-9 && out.length < 1000; v += ramp.step) out.push(v);
  if ((out.at(-1) ?? 0) < ramp.max - 1e-9) out.push(ramp.max);
  return out;
}
