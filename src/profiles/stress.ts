import type { StressProfile } from '../config/sections/stress.js';
import { evaluateSlo } from '../verdict/slo.js';
import type { LoadMeasurement } from '../load/types.js';
import type { ProfileResult, TimelinePoint } from '../model/result.js';
import type { StressResult } from '../model/stress.js';
import { stepSlo } from '../stress/breaking.js';
import { describeFirstLimit } from '../stress/limit.js';
import { measureBreakingPoint } from '../stress/ramp.js';
import { runRobustnessChecks } from '../stress/robustness.js';
import { emptyMeasurement } from '../load/empty.js';
import type { ProfileContext } from './types.js';
import { workloadOrSetupFailure } from './workload.js';

/**
 * A stress profile: the ramp to the breaking point and the recovery check. The profile's summary
 * fields (requests, latency, throughput, errors, histogram) are those of the highest step that
 * met the SLO (the first step when none did); its timeline spans the whole ramp.
 *
 * Status: fail when no step met the SLO, when the capacity is under `slo.throughput` (with
 * `slo.level: warn`, these two are warnings), or when the SUT did not recover; inconclusive when
 * perfgate's own client was saturated where the ramp stopped (the capacity found would be
 * perfgate's); pass otherwise.
 */
export async function runStressProfile(ctx: ProfileContext, profile: StressProfile): Promise<ProfileResult> {
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const workload = await workloadOrSetupFailure(ctx, profile, profile.connections?.max);
  if ('failed' in workload) return workload.failed;
  const ramp = await measureBreakingPoint(ctx, profile, Date.now, workload);
  const { stress } = ramp;
  const robustness =
    profile.robustness && !ctx.sut?.exit() && !ctx.signal.aborted
      ? await runRobustnessChecks(ctx, { deadline: Math.min(profile.timeout, 5_000), requests: profile.requests })
      : undefined;
  const summary: LoadMeasurement = ramp.measurements[ramp.sustainableIndex ?? 0] ?? {
    ...emptyMeasurement(),
    startedAt,
  };
  const reasons: string[] = [];
  const warnings: string[] = [];
  let status: ProfileResult['status'] = 'pass';
  const bp = stress.breakingPoint;
  ctx.logger.info(describeOutcome(profile.name, stress));
  if (stress.steps.length === 0) {
    status = 'error';
    reasons.push(`no step ran: ${bp.detail}`);
  } else {
    const missed = missedSlo(profile, stress);
    // The limits find the breaking point whatever the SLO's level; `level: warn` only softens the verdict.
    if (missed && profile.slo.level === 'warn') warnings.push(`SLO (level: warn): ${missed}`);
    else if (missed) {
      status = 'fail';
      reasons.push(missed);
    }
  }
  if (bp.reason === 'crash') {
    status = 'fail';
    reasons.push(bp.detail);
  }
  if (stress.recovery && !stress.recovery.recovered) {
    status = status === 'error' ? status : 'fail';
    reasons.push(`did not recover after the peak: ${stress.recovery.reason ?? 'unknown'}`);
  }
  if (robustness && (!robustness.healthyAfter || robustness.cases.some((c) => !c.handled))) {
    status = status === 'error' ? status : 'fail';
    reasons.push(
      ...robustness.cases.filter((c) => !c.handled).map((c) => `bad request not handled: ${c.name} → ${c.detail}`),
    );
    if (!robustness.healthyAfter) reasons.push('the health check failed after the bad requests');
  }
  const breakingStep = bp.step !== null ? stress.steps[bp.step] : undefined;
  if (breakingStep?.generatorSaturated && bp.reason !== 'crash') {
    const evidence = ramp.measurements[bp.step ?? 0]?.generator?.evidence.join('; ') ?? '';
    reasons.push(
      `load generator saturated at the breaking step (${evidence}): the limit found may be perfgate's, not the SUT's`,
    );
    if (status !== 'error') status = 'inconclusive';
  }
  for (const e of stress.exhaustion) reasons.push(`exhaustion (${e.resource}): ${e.detail}`);

  const timeline: TimelinePoint[] = [];
  for (const m of [...ramp.measurements, ...(ramp.recoveryMeasurement ? [ramp.recoveryMeasurement] : [])]) {
    const offset = timeline.length;
    for (const p of m.timeline) timeline.push({ ...p, t: p.t + offset });
  }
  const { timeline: _t, degradation: _d, ...fields } = summary;
  return {
    name: profile.name,
    kind: 'stress',
    status,
    reasons,
    model: profile.connections ? 'closed' : 'open',
    ...fields,
    startedAt,
    durationSec: (Date.now() - t0) / 1000,
    timeline,
    slo: evaluateSlo(stepSlo(profile.slo), summary),
    stress,
    ...(robustness ? { robustness } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

/** The console line of a ramp's outcome: its capacity, what stopped it, and the first limit a step reached. */
function describeOutcome(name: string, stress: StressResult): string {
  const bp = stress.breakingPoint;
  const capacity = stress.maxSustainableRps;
  const firstLimit = describeFirstLimit(stress.steps);
  return `${name}: ${capacity === null ? 'no step met the SLO' : `max sustainable ${capacity.toFixed(0)} req/s${stress.maxSustainableConnections ? ` (${stress.maxSustainableConnections} connections)` : ''}`}; stopped by ${bp.reason}: ${bp.detail}${firstLimit ? `. ${firstLimit}` : ''}`;
}

/** Why the ramp missed the SLO: no step met its limits, or the capacity is under `slo.throughput`. */
function missedSlo(profile: StressProfile, stress: StressResult): string | undefined {
  const bp = stress.breakingPoint;
  const capacity = stress.maxSustainableRps;
  if (capacity === null) return `even the first step broke the limits: ${bp.detail}`;
  if (profile.slo.throughput !== undefined && capacity < profile.slo.throughput)
    return `max sustainable load ${capacity.toFixed(1)} req/s is under the required ${profile.slo.throughput} req/s (${bp.reason}: ${bp.detail})`;
  return undefined;
}
