/**
 * The stepped ramp of a stress profile: one load run per step (open model for a rate ramp,
 * closed model for a users ramp), each judged by the rules in breaking.ts, then a recovery run
 * at low load. The SUT's resources come from the monitor's sampler of this profile (the ramp
 * runs its own only when the monitor is off: never two samplers on one tree); each step's own
 * window of them names what limited it (limit.ts). Stops itself before the profile's budget.
 */
import type { StressProfile } from '../config/sections/stress.js';
import { openModel } from '../load/model.js';
import type { LoadMeasurement, LoadModel } from '../load/types.js';
import { formatElapsed, formatProgressLine, type SecondStats } from '../log/progress.js';
import type { StressResult } from '../model/stress.js';
import { ResourceSampler, type SamplerMark } from '../monitor/sampler.js';
import { snapshotResources, type ResourceSnapshot } from '../proc/snapshot.js';
import { isLoopbackUrl } from '../sut/target.js';
import type { StressContext } from './types.js';
import type { Workload } from '../load/workload.js';
import {
  breakReason,
  DEFAULT_ERROR_LIMIT,
  describeOffered,
  rampSteps,
  toStep,
  type BreakReason,
  type StressStep,
} from './breaking.js';
import { exhaustionFindings, maxSnapshot } from './exhaustion.js';
import { classifyStepLimit } from './limit.js';
import { judgeRecovery, type RecoveryLimits } from './recovery.js';

/** Kept free at the end of the budget for request drains and the report: 5 s, less for tiny budgets. */
const budgetSlackMs = (budget: number) => Math.min(5_000, budget * 0.1);
/** The ramp's own sampling interval, when the monitor is off. */
const SAMPLE_EVERY_MS = 500;
const MIB = 1024 * 1024;

export interface RampOutcome {
  stress: StressResult;
  /** Measurements per step, in order (for the profile's summary fields and timeline). */
  measurements: LoadMeasurement[];
  recoveryMeasurement: LoadMeasurement | undefined;
  /** Index of the last step that met the SLO, if any. */
  sustainableIndex: number | undefined;
}

type Broke = StressResult['breakingPoint'];

/** One ramp's fixed facts, worked out once. */
interface Ramp {
  ctx: StressContext;
  profile: StressProfile;
  /** What each step sends (templates, data, checks, endpoints); default: the profile's requests as they are. */
  workload: Workload | undefined;
  now: () => number;
  startedAt: number;
  /** The longest the ramp can take (plannedRampMs): the total of its progress lines. */
  plannedMs: number;
  deadline: number;
  errorLimit: number;
  byUsers: boolean;
  offers: number[];
  pids: () => number[];
}

export async function measureBreakingPoint(
  ctx: StressContext,
  profile: StressProfile,
  now: () => number = Date.now,
  workload?: Workload,
): Promise<RampOutcome> {
  const pids = () => ctx.sut?.pids() ?? [];
  const ramp: Ramp = {
    ctx,
    profile,
    workload,
    now,
    startedAt: now(),
    plannedMs: plannedRampMs(profile),
    deadline: now() + profile.budget - budgetSlackMs(profile.budget),
    errorLimit: profile.errorLimit ?? profile.slo.errorRate ?? DEFAULT_ERROR_LIMIT,
    byUsers: profile.connections !== undefined,
    offers: rampSteps(profile.connections ?? profile.rate ?? { start: 1, step: 1, max: 1 }),
    pids,
  };
  const own = ctx.sampler?.() ? undefined : new ResourceSampler(pids, SAMPLE_EVERY_MS);
  own?.start();
  try {
    return await rampAndRecover(ramp, ctx.sampler?.() ?? own);
  } finally {
    own?.stop();
  }
}

/**
 * The longest a ramp can take: the first step's warmup, every step, then the recovery check,
 * capped by the budget. Most ramps stop sooner, at their breaking point: an "up to" figure.
 */
export function plannedRampMs(profile: StressProfile): number {
  const steps = rampSteps(profile.connections ?? profile.rate ?? { start: 1, step: 1, max: 1 }).length;
  return Math.min(profile.budget, profile.warmup + steps * profile.stepDuration + profile.recovery.duration);
}

/** `stress-test "ramp": t=24s/1m05s · step 2/6 at 200 req/s offered · 198 req/s · p99 3.10 ms · 0 errors` */
const reportSecond = (ramp: Ramp, detail: string, s: SecondStats) =>
  ramp.ctx.logger.progress(
    formatProgressLine(
      `stress-test ${JSON.stringify(ramp.profile.name)}`,
      formatElapsed(ramp.now() - ramp.startedAt, ramp.plannedMs),
      s,
      detail,
    ),
  );

async function rampAndRecover(ramp: Ramp, sampler: ResourceSampler | undefined): Promise<RampOutcome> {
  const { ctx } = ramp;
  const before = snapshotResources(ramp.pids());
  const { steps, measurements, broke, peak } = await runSteps(ramp, before, sampler);
  // Sustainable: steps before the breaking one (the knee step already queues), all steps when
  // the ramp ended at its max or its budget; the highest of those that met the SLO.
  const candidates = broke.reason === 'max' || broke.reason === 'budget' ? steps.length : (broke.step ?? 0);
  let sustainableIndex: number | undefined;
  for (let i = 0; i < candidates; i++) if (steps[i]?.metSlo) sustainableIndex = i;
  const sustainable = sustainableIndex !== undefined ? steps[sustainableIndex] : undefined;
  const { recovery, recoveryMeasurement } = await checkRecovery(ramp, steps, broke, before);
  const crashed = ctx.sut?.exit();
  const sum = (f: (m: LoadMeasurement) => number) => measurements.reduce((s, m) => s + f(m), 0);
  const exhaustion =
    broke.reason === 'max'
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
      ...(ramp.byUsers ? { maxSustainableConnections: sustainable?.connections ?? null } : {}),
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

const modelAt = (ramp: Ramp, offered: number): LoadModel =>
  ramp.byUsers
    ? { kind: 'closed', connections: Math.max(1, Math.round(offered)) }
    : openModel(offered, ramp.profile.timeout, { maxInFlight: ramp.profile.maxInFlight });
const describeAt = (ramp: Ramp, offered: number) =>
  describeOffered({ offered, ...(ramp.byUsers ? { connections: Math.max(1, Math.round(offered)) } : {}) });

async function runSteps(ramp: Ramp, before: ResourceSnapshot, sampler: ResourceSampler | undefined) {
  const { ctx, profile } = ramp;
  const steps: StressStep[] = [];
  const measurements: LoadMeasurement[] = [];
  let peak = before;
  let broke: Broke | undefined;
  for (const [i, offered] of ramp.offers.entries()) {
    if (ctx.signal.aborted && !ctx.sut?.exit()) break;
    const warmupMs = i === 0 ? profile.warmup : 0;
    if (ramp.now() + warmupMs + profile.stepDuration + profile.recovery.duration > ramp.deadline) {
      const detail = `the next step (${describeAt(ramp, offered)}) and the recovery check would pass the ${Math.round(profile.budget / 1000)}s budget`;
      broke = {
        step: steps.length ? steps.length - 1 : null,
        offered: steps.at(-1)?.offered ?? null,
        reason: 'budget',
        detail,
      };
      break;
    }
    ctx.logger.info(
      `${profile.name}: step ${i + 1}/${ramp.offers.length}, ${describeAt(ramp, offered)} for ${profile.stepDuration / 1000}s${warmupMs ? ` after ${warmupMs / 1000}s warmup` : ''}`,
    );
    const stepResources = stepWindow(sampler, warmupMs);
    const m = await ctx.loadRunner.run({
      baseUrl: ctx.baseUrl,
      requests: profile.requests,
      workload: ramp.workload,
      model: modelAt(ramp, offered),
      durationMs: profile.stepDuration,
      warmupMs,
      timeoutMs: profile.timeout,
      signal: ctx.signal,
      onSecond: (s) =>
        reportSecond(
          ramp,
          `step ${i + 1}/${ramp.offers.length} at ${describeAt(ramp, offered)}${s.inWarmup ? ' (warmup)' : ''}`,
          s,
        ),
    });
    const limitedBy = classifyStepLimit(
      { measurement: m, resources: stepResources.end() },
      { loopbackTarget: isLoopbackUrl(ctx.baseUrl) },
    );
    peak = peakAfterStep(peak, snapshotResources(ramp.pids()), sampler);
    const step = toStep(offered, ramp.byUsers ? offered : undefined, m, profile.slo, ramp.errorLimit);
    const { sloDetail: _detail, ...plain } = step;
    steps.push({ ...plain, limitedBy });
    measurements.push(m);
    ctx.logger.info(
      `${profile.name}: ${describeOffered(step)} → ${step.achievedRps.toFixed(0)} req/s, p99 ${step.p99.toFixed(2)} ms, errors ${(step.errorRate * 100).toFixed(2)}%; limited by ${limitedBy.resource}: ${limitedBy.evidence}`,
    );
    const exit = ctx.sut?.exit();
    const why = exit
      ? {
          reason: 'crash' as BreakReason,
          detail: `the SUT ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`} at ${describeOffered(step)}`,
        }
      : breakReason(steps.at(-2), step, ramp.errorLimit);
    if (why) {
      broke = { step: i, offered, ...why };
      break;
    }
  }
  return { steps, measurements, peak, broke: broke ?? rampEnd(ramp, steps) };
}

/**
 * The SUT's resources over one step's measured window: marked when the step's warmup should be
 * over (the runner starts it at once), summed up when the step's run returned.
 */
function stepWindow(sampler: ResourceSampler | undefined, warmupMs: number) {
  if (!sampler) return { end: () => undefined };
  let mark: SamplerMark | undefined = warmupMs > 0 ? undefined : sampler.mark();
  const afterWarmup = warmupMs > 0 ? setTimeout(() => (mark = sampler.mark()), warmupMs) : undefined;
  return {
    end: () => {
      clearTimeout(afterWarmup);
      return mark ? sampler.since(mark) : undefined;
    },
  };
}

/** The peak so far: the sampler's highest readings during the step, and a reading at its end. */
function peakAfterStep(
  peak: ResourceSnapshot,
  now: ResourceSnapshot,
  sampler: ResourceSampler | undefined,
): ResourceSnapshot {
  const sampled = sampler?.peak() ?? { fdsMax: 0, rssMaxBytes: 0 };
  return maxSnapshot(peak, {
    ...now,
    fds: Math.max(now.fds, sampled.fdsMax),
    rssBytes: Math.max(now.rssBytes, sampled.rssMaxBytes),
  });
}

function rampEnd(ramp: Ramp, steps: readonly StressStep[]): Broke {
  const last = steps.at(-1);
  const at = { step: last ? steps.length - 1 : null, offered: last?.offered ?? null };
  if (ramp.ctx.signal.aborted)
    return {
      ...at,
      reason: 'budget',
      detail: 'the profile was stopped before the ramp ended (interrupt or time limit)',
    };
  return {
    ...at,
    reason: 'max',
    detail: `reached the ramp's max (${last ? describeOffered(last) : 'no step'}) within the SLO`,
  };
}

async function checkRecovery(
  ramp: Ramp,
  steps: readonly StressStep[],
  broke: Broke,
  before: ResourceSnapshot,
): Promise<{ recovery: StressResult['recovery']; recoveryMeasurement: LoadMeasurement | undefined }> {
  const { ctx, profile } = ramp;
  const crashed = ctx.sut?.exit();
  if (crashed)
    return {
      recovery: {
        recovered: false,
        seconds: null,
        reason: `the SUT crashed (${crashed.signal ?? `exit code ${crashed.code}`}), so it could not recover`,
      },
      recoveryMeasurement: undefined,
    };
  if (ctx.signal.aborted || broke.reason === 'max' || broke.reason === 'budget' || profile.recovery.duration <= 0)
    return { recovery: null, recoveryMeasurement: undefined };
  const low = Math.max(1, profile.recovery.load * (steps.at(-1)?.offered ?? ramp.offers[0] ?? 1));
  ctx.logger.info(
    `${profile.name}: recovery check at ${describeAt(ramp, low)} for ${profile.recovery.duration / 1000}s`,
  );
  const rssAtPeakEnd = snapshotResources(ramp.pids()).rssBytes;
  const durationMs = Math.min(profile.recovery.duration, Math.max(1000, ramp.deadline - ramp.now()));
  const m = await ctx.loadRunner.run({
    baseUrl: ctx.baseUrl,
    requests: profile.requests,
    workload: ramp.workload,
    model: modelAt(ramp, low),
    durationMs,
    warmupMs: 0,
    timeoutMs: profile.timeout,
    signal: ctx.signal,
    onSecond: (s) => reportSecond(ramp, `recovery check at ${describeAt(ramp, low)}`, s),
  });
  const exit = ctx.sut?.exit();
  if (exit)
    return {
      recovery: {
        recovered: false,
        seconds: null,
        reason: `the SUT exited during the recovery check (${exit.signal ?? `exit code ${exit.code}`})`,
      },
      recoveryMeasurement: m,
    };
  const recovery = judgeRecovery(m.timeline, recoveryLimits(profile, steps[0], ramp.errorLimit));
  const rssAfter = snapshotResources(ramp.pids()).rssBytes;
  if (
    recovery.recovered &&
    before.rssBytes > 0 &&
    rssAfter > 2 * before.rssBytes &&
    rssAfter - before.rssBytes > 100 * MIB
  ) {
    const mib = (b: number) => (b / MIB).toFixed(0);
    const reason = `answers are healthy again but memory was not released: RSS ${mib(rssAfter)} MiB after recovery vs ${mib(before.rssBytes)} MiB before the ramp (was ${mib(rssAtPeakEnd)} MiB at the peak's end)`;
    return { recovery: { recovered: false, seconds: recovery.seconds, reason }, recoveryMeasurement: m };
  }
  return { recovery, recoveryMeasurement: m };
}

/**
 * The recovery is judged against the SLO's latency limits; without one, against 5× the first
 * (lightest) step's p99 with a 50 ms floor, i.e. "back to roughly how it was before the ramp".
 */
function recoveryLimits(profile: StressProfile, first: StressStep | undefined, errorLimit: number): RecoveryLimits {
  const p99 =
    profile.slo.p99 ?? profile.slo.p90 ?? profile.slo.p999 ?? profile.slo.max ?? Math.max(50, 5 * (first?.p99 ?? 10));
  return { p99, ...(profile.slo.p50 !== undefined ? { p50: profile.slo.p50 } : {}), errorRate: errorLimit };
}
