import type { RobustnessProfile } from '../config/sections/stress.js';
import type { ProfileResult } from '../model/result.js';
import { runRobustnessChecks } from '../stress/robustness.js';
import { emptyMeasurement } from '../load/empty.js';
import type { ProfileContext } from './types.js';

/** A robustness profile: the malformed-request checks alone. Passes when every case is handled and the SUT is healthy after. */
export async function runRobustnessProfile(ctx: ProfileContext, profile: RobustnessProfile): Promise<ProfileResult> {
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const firstPost = ctx.config.profiles
    .flatMap((p) => ('requests' in p ? p.requests : []))
    .find((r) => r.method === 'POST');
  const robustness = await runRobustnessChecks(ctx, {
    deadline: profile.deadline,
    ...((profile.path ?? firstPost?.path) ? { path: profile.path ?? firstPost?.path } : {}),
  });
  const failed = robustness.cases.filter((c) => !c.handled);
  const reasons = failed.map((c) => `${c.name} (${c.request.slice(0, 80)}): ${c.detail}`);
  if (!robustness.healthyAfter) reasons.push('the health check failed after the bad requests');
  return {
    name: profile.name,
    kind: 'robustness',
    status: failed.length === 0 && robustness.healthyAfter ? 'pass' : 'fail',
    reasons,
    ...emptyMeasurement(),
    requests: { total: robustness.cases.length, ok: robustness.cases.length - failed.length, dropped: 0 },
    startedAt,
    durationSec: (Date.now() - t0) / 1000,
    slo: { pass: failed.length === 0, checks: [] },
    robustness,
  };
}
