import type { LoadProfile } from '../config/sections/load.js';
import {
  DEFAULT_ERROR_CEILING,
  endpointSloChecks,
  evaluateSlo,
  judgeSlo,
  statusWithSaturatedGenerator,
} from '../verdict/slo.js';
import type { ProfileResult } from '../model/result.js';
import { loadModelOf } from '../load/model.js';
import type { ProfileContext } from './types.js';
import { workloadOrSetupFailure } from './workload.js';
import { formatElapsed, formatProgressLine, type SecondStats } from '../log/progress.js';
import { warmUntilSteady, type SteadyWarmup } from './warmup.js';

export interface LoadProfileOptions {
  /**
   * Warm until steady instead of the profile's fixed warmup (ab.warmup: auto): windows of the
   * profile's load until they agree or `capMs` passes (profiles/warmup.ts); `onWarm` hears how it went.
   */
  warmUntilSteady?: { capMs: number; onWarm: (warm: SteadyWarmup) => void };
}

/** A load profile: one measured run, then its SLO gate. */
export async function runLoadProfile(
  ctx: ProfileContext,
  profile: LoadProfile,
  options: LoadProfileOptions = {},
): Promise<ProfileResult> {
  const model = loadModelOf(profile);
  const workload = await workloadOrSetupFailure(ctx, profile, model.kind === 'closed' ? model.connections : undefined);
  if ('failed' in workload)
    return {
      ...workload.failed,
      model: model.kind,
      ...(model.kind === 'open' ? { rate: model.rate } : { connections: model.connections }),
    };
  const load = {
    baseUrl: ctx.baseUrl,
    requests: profile.requests,
    workload,
    model,
    timeoutMs: profile.timeout,
    pipelining: profile.pipelining,
    signal: ctx.signal,
  };
  let warmupMs = profile.warmup;
  let warmedSec: number | undefined;
  if (options.warmUntilSteady) {
    const warm = await warmUntilSteady(ctx.loadRunner, load, options.warmUntilSteady.capMs);
    options.warmUntilSteady.onWarm(warm);
    warmupMs = 0;
    warmedSec = warm.ms / 1000;
  }
  const m = await ctx.loadRunner.run({
    ...load,
    durationMs: profile.duration,
    warmupMs,
    onSecond: (s) => ctx.logger.progress(loadProgressLine({ ...profile, warmup: warmupMs }, s)),
  });
  // The measured run had no warm-up of its own: the windows before it were the warm-up.
  if (warmedSec !== undefined) m.warmupSec = warmedSec;
  const slo = evaluateSlo(profile.slo, m, { defaultErrorCeiling: DEFAULT_ERROR_CEILING });
  // Each request's own slo, on its endpoint's numbers: checked beside the profile's.
  slo.checks.push(...endpointSloChecks(profile.requests, m.endpoints));
  slo.pass = slo.checks.every((c) => c.pass);
  const verdict = judgeSlo(slo.checks);
  const reasons = verdict.reasons;
  let status = verdict.status;
  if (m.requests.total === 0 && m.errors.total === 0) {
    status = 'error';
    reasons.push('no request completed in the measured window');
  } else if (m.generator?.saturated) {
    reasons.push(`load generator saturated: ${m.generator.evidence.join('; ')}`);
    status = statusWithSaturatedGenerator(status, slo.checks, m.errors);
    // The open model promises a rate: a client that could not keep its schedule may not have
    // offered it, so even a pass (or a run without an SLO) vouches for nothing (issue 17).
    if (model.kind === 'open' && status === 'pass') {
      status = 'inconclusive';
      reasons.push(`the generator may not have sent ${model.rate} req/s on schedule`);
    }
  }
  // Arrivals the open model dropped were never offered: the run did not apply the load it was asked
  // for, so a pass would vouch for a rate that was not tested (issue 14).
  const dropped = m.requests.dropped ?? 0;
  if (dropped > 0 && status === 'pass') {
    status = 'inconclusive';
    reasons.push(
      `${dropped} of ${dropped + m.requests.total} arrivals were dropped by the generator (maxInFlight requests were in flight): the configured rate was not offered`,
    );
  }
  if (m.degradation?.degraded) reasons.push(`degradation within the run: ${m.degradation.detail}`);
  return {
    name: profile.name,
    kind: 'load',
    status,
    reasons,
    model: model.kind,
    ...(model.kind === 'open' ? { rate: model.rate } : { connections: model.connections }),
    ...m,
    slo,
    ...(verdict.warnings.length ? { warnings: verdict.warnings } : {}),
  };
}

/**
 * `load-test "checkout": t=4s/30s · 1,234 req/s · …`; during the warmup `warmup t=2s/5s`. The
 * engine reports second `t` once it has ended, counted from the measured window's start (the
 * warmup's seconds are negative), so the time elapsed is t + 1 seconds into its phase.
 */
export function loadProgressLine(
  profile: Pick<LoadProfile, 'name' | 'duration' | 'warmup'>,
  s: SecondStats & { t: number; inWarmup: boolean },
): string {
  const clock = s.inWarmup
    ? `warmup ${formatElapsed((s.t + Math.ceil(profile.warmup / 1000) + 1) * 1000, profile.warmup)}`
    : formatElapsed((s.t + 1) * 1000, profile.duration);
  return formatProgressLine(`load-test ${JSON.stringify(profile.name)}`, clock, s);
}
