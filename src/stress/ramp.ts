/**
 * The stepped ramp of a stress profile: one load run per step (open model for a rate ramp,
 * closed model for a users ramp), each judged by the rules in breaking.ts, the SUT's resources
 * sampled meanwhile, then a recovery run at low load. Stops itself before the profile's budget.
 */
import type { StressProfile } from '../config/sections/stress.js';
import type { LoadMeasurement, LoadModel } from '../load/types.js';
import { defaultMaxInFlight } from '../load/model.js';
import type { ProfileContext } from '../profiles/types.js';
import type { StressResult } from '../model/stress.js';
import { breakReason, DEFAULT_ERROR_LIMIT, describeOffered, rampSteps, toStep, type BreakReason, type StressStep } from './breaking.js';
import { snapshotResources, type ResourceSnapshot } from '../proc/snapshot.js';
import { exhaustionFindings, maxSnapshot } from './exhaustion.js';
import { judgeRecovery, type RecoveryLimits } from './recovery.js';

/** Kept free at the end of the budget for request drains and the report: 5 s, less for tiny budgets. */
const budgetSlackMs = (budget: number) => Math.min(5_000, budget * 0.1);
const SAMPLE_EVERY_MS = 500;

export interface RampOutcome {
  stress: StressResult;
  /** Measurements per step, in order (for the profile's summary fields and timeline). */
  measurements: LoadMeasurement[];
  recoveryMeasurement: LoadMeasurement | undefined;
  /** Index of the last step that met the SLO, if any. */
  sustainableIndex: number | undefined;
}

export async function measureBreakingPoint(ctx: ProfileContext, profile: StressProfile, now: () => number = Date.now): Promise<RampOutcome> {
  const started = now();
  const deadline = started + profile.budget - budgetSlackMs(profile.budget);
  const errorLimit = profile.errorLimit ?? profile.slo.errorRate ?? DEFAULT_ERROR_LIMIT;
  const byUsers = profile.connections !== undefined;
  const offers = rampSteps(profile.connections ?? profile.rate ?? { start: 1, step: 1, max: 1 });
  const pids = () => ctx.sut?.pids() ?? [];
  const before = snapshotResources(pids());
  let peak: ResourceSnapshot = before;

  const steps: StressStep[] = [];
  const measurements: LoadMeasurement[] = [];
  let broke: { step: number | null; offered: number | null; reason: BreakReason; detail: string } | undefined;

  for (const [i, offered] of offers.entries()) {
    if (ctx.signal.aborted && !ctx.sut?.exit()) break;
    if (now() + profile.stepDuration + profile.recovery.duration > deadline) {
      broke = { step: steps.length ? steps.length - 1 : null, offered: steps.at(-1)?.offered ?? null, reason: 'budget', detail: `the next step (${describeOffered({ offered, ...(byUsers ? { connections: offered } : {}) })}) and the recovery check would pass the ${Math.round(profile.budget / 1000)}s budget` };
      break;
    }
    const model: LoadModel = byUsers ? { kind: 'closed', connections: offered } : { kind: 'open', rate: offered, maxInFlight: defaultMaxInFlight(offered, profile.timeout) };
    ctx.logger.info(`${profile.name}: step ${i + 1}/${offers.length}, ${describeOffered({ offered, ...(byUsers ? { connections: offered } : {}) })} for ${profile.stepDuration / 1000}s`);
    const sampler = setInterval(() => (peak = maxSnapshot(peak, snapshotResources(pids()))), SAMPLE_EVERY_MS);
    let m: LoadMeasurement;
    try {
      m = await ctx.loadRunner.run({ baseUrl: ctx.baseUrl, requests: profile.requests, model, durationMs: profile.stepDuration, warmupMs: 0, timeoutMs: profile.timeout, signal: ctx.signal });
    } finally {
      clearInterval(sampler);
    }
    peak = maxSnapshot(peak, snapshotResources(pids()));
    const step = toStep(offered, byUsers ? offered : undefined, m, profile.slo, errorLimit);
    const { sloDetail: _detail, ...plain } = step;
    steps.push(plain);
    measurements.push(m);
    ctx.logger.info(`${profile.name}: ${describeOffered(step)} → ${step.achievedRps.toFixed(0)} req/s, p99 ${step.p99.toFixed(2)} ms, errors ${(step.errorRate * 100).toFixed(2)}%`);
    const exit = ctx.sut?.exit();
    if (exit) {
      broke = { step: i, offered, reason: 'crash', detail: `the SUT ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`} at ${describeOffered(step)}` };
      break;
    }
    const why = breakReason(steps.at(-2), step, errorLimit);
    if (why) {
      broke = { step: i, offered, ...why };
      break;
    }
  }
  if (!broke) {
    const last = steps.at(-1);
    broke = ctx.signal.aborted
      ? { step: last ? steps.length - 1 : null, offered: last?.offered ?? null, reason: 'budget', detail: 'the profile was stopped before the ramp ended (interrupt or time limit)' }
      : { step: last ? steps.length - 1 : null, offered: last?.offered ?? null, reason: 'max', detail: `reached the ramp's max (${last ? describeOffered(last) : 'no step'}) within the SLO` };
  }

  // Sustainable: steps before the breaking one (the knee step already queues), all steps when
  // the ramp ended at its max or its budget; the highest of those that met the SLO.
  const candidates = broke.reason === 'max' || broke.reason === 'budget' ? steps.length : (broke.step ?? 0);
  let sustainableIndex: number | undefined;
  for (let i = 0; i < candidates; i++) if (steps[i]?.metSlo) sustainableIndex = i;
  const sustainable = sustainableIndex !== undefined ? steps[sustainableIndex] : undefined;

  const crashed = ctx.sut?.exit();
  let recovery: StressResult['recovery'] = null;
  let recoveryMeasurement: LoadMeasurement | undefined;
  if (crashed) {
    recovery = { recovered: false, seconds: null, reason: `the SUT crashed (${crashed.signal ?? `exit code ${crashed.code}`}), so it could not recover` };
  } else if (!ctx.signal.aborted && broke.reason !== 'max' && broke.reason !== 'budget' && profile.recovery.duration > 0) {
    const peakOffered = steps.at(-1)?.offered ?? offers[0] ?? 1;
    const low = Math.max(1, profile.recovery.load * peakOffered);
    const model: LoadModel = byUsers ? { kind: 'closed', connections: Math.max(1, Math.round(low)) } : { kind: 'open', rate: low, maxInFlight: defaultMaxInFlight(low, profile.timeout) };
    ctx.logger.info(`${profile.name}: recovery check at ${describeOffered({ offered: low, ...(byUsers ? { connections: Math.max(1, Math.round(low)) } : {}) })} for ${profile.recovery.duration / 1000}s`);
    const rssBefore = snapshotResources(pids()).rssBytes;
    recoveryMeasurement = await ctx.loadRunner.run({ baseUrl: ctx.baseUrl, requests: profile.requests, model, durationMs: Math.min(profile.recovery.duration, Math.max(1000, deadline - now())), warmupMs: 0, timeoutMs: profile.timeout, signal: ctx.signal });
    const exit = ctx.sut?.exit();
    if (exit) {
      recovery = { recovered: false, seconds: null, reason: `the SUT exited during the recovery check (${exit.signal ?? `exit code ${exit.code}`})` };
    } else {
      recovery = judgeRecovery(recoveryMeasurement.timeline, recoveryLimits(profile, steps[0], errorLimit));
      const rssAfter = snapshotResources(pids()).rssBytes;
      if (recovery.recovered && before.rssBytes > 0 && rssAfter > 2 * before.rssBytes && rssAfter - before.rssBytes > 100 * 1024 * 1024) {
        recovery = { recovered: false, seconds: recovery.seconds, reason: `answers are healthy again but memory was not released: RSS ${(rssAfter / 1048576).toFixed(0)} MiB after recovery vs ${(before.rssBytes / 1048576).toFixed(0)} MiB before the ramp (was ${(rssBefore / 1048576).toFixed(0)} MiB at the peak's end)` };
      }
    }
  }

  const sum = (f: (m: LoadMeasurement) => number) => measurements.reduce((s, m) => s + f(m), 0);
  const exhaustion = broke.reason === 'max'
    ? []
    : exhaustionFindings({
        before,
        peak,
        refused: sum((m) => m.errors.byClass.refused),
        reset: sum((m) => m.errors.byClass.reset),
        timeouts: sum((m) => m.errors.byClass.timeout),
        dropped: sum((m) => m.requests.dropped),
        ...(crashed ? { crash: { ...crashed, logTail: ctx.sut?.logTail(20) ?? '' } } : {}),
      });

  return {
    stress: {
      maxSustainableRps: sustainable ? sustainable.achievedRps : null,
      ...(byUsers ? { maxSustainableConnections: sustainable?.connections ?? null } : {}),
      breakingPoint: broke,
      steps,
      recovery,
      exhaustion,
    },
    measurements,
    recoveryMeasurement,
    sustainableIndex,
  };
}

/**
 * The recovery is judged against the SLO's latency limits; without one, against 5× the first
 * (lightest) step's p99 with a 50 ms floor, i.e. "back to roughly how it was before the ramp".
 */
function recoveryLimits(profile: StressProfile, first: StressStep | undefined, errorLimit: number): RecoveryLimits {
  const p99 = profile.slo.p99 ?? profile.slo.p90 ?? profile.slo.p999 ?? profile.slo.max ?? Math.max(50, 5 * (first?.p99 ?? 10));
  return { p99, ...(profile.slo.p50 !== undefined ? { p50: profile.slo.p50 } : {}), errorRate: errorLimit };
}
