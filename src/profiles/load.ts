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

/** A load profile: one measured run, then its SLO gate. */
export async function runLoadProfile(ctx: ProfileContext, profile: LoadProfile): Promise<ProfileResult> {
  const model = loadModelOf(profile);
  const what = model.kind === 'open' ? `${model.rate} req/s (open model)` : `${model.connections} connections`;
  ctx.logger.info(
    `profile ${profile.name}: ${what} for ${profile.duration / 1000}s${profile.warmup ? ` after ${profile.warmup / 1000}s warmup` : ''}`,
  );
  const workload = await workloadOrSetupFailure(ctx, profile, model.kind === 'closed' ? model.connections : undefined);
  if ('failed' in workload)
    return {
      ...workload.failed,
      model: model.kind,
      ...(model.kind === 'open' ? { rate: model.rate } : { connections: model.connections }),
    };
  const m = await ctx.loadRunner.run({
    baseUrl: ctx.baseUrl,
    requests: profile.requests,
    workload,
    model,
    durationMs: profile.duration,
    warmupMs: profile.warmup,
    timeoutMs: profile.timeout,
    pipelining: profile.pipelining,
    signal: ctx.signal,
    onSecond: (s) =>
      ctx.logger.progress(
        `${profile.name} ${s.inWarmup ? 'warmup ' : ''}t=${s.t}s ${Math.round(s.rps)} req/s p99 ${s.p99.toFixed(2)} ms errors ${s.errors}`,
      ),
  });
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
