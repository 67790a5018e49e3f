/**
 * What limited one step of a stress ramp, so that the ramp says what broke first. The profile's
 * bottleneck rules (src/analyze/bottlenecks.ts, their thresholds and sources cited there) are
 * applied to the step alone: its load measurement and the SUT's resources sampled during its
 * measured window, ranked as the profile's findings are (rankBottlenecks), so perfgate's own
 * client comes first: a saturated generator makes the step's numbers its own, not the SUT's.
 * What the step did not measure is said to be "not measured", never guessed.
 */
import { RULES, rankBottlenecks, type RuleContext } from '../analyze/bottlenecks.js';
import type { LoadMeasurement } from '../load/types.js';
import type { Bottleneck, Resources } from '../model/monitor.js';
import type { ProfileResult } from '../model/result.js';
import type { StressResult } from '../model/stress.js';
import { describeOffered } from './breaking.js';

type StressStep = StressResult['steps'][number];
export type StepLimit = NonNullable<StressStep['limitedBy']>;

/**
 * Fewer samples than this in a step is no reading of it: the median CPU of one sample is one
 * interval's jitter. With the monitor's 100 ms interval a 1 s step has ten, with the ramp's own
 * 500 ms sampler two.
 */
const MIN_SAMPLES = 2;
/** A finding's first evidence lines carry its numbers; the rest explain it (the report's bottlenecks show all). */
const EVIDENCE_LINES = 2;

export interface StepReadings {
  /** The step's load run (its generator watch included, when the runner had one). */
  measurement: LoadMeasurement;
  /** The SUT's resources during the step's measured window; undefined when not sampled. */
  resources: Resources | undefined;
}

export function classifyStepLimit(step: StepReadings, ctx: RuleContext): StepLimit {
  const sampled = (step.resources?.samples.length ?? 0) >= MIN_SAMPLES ? step.resources : undefined;
  const profile = asProfile(step.measurement, sampled);
  const found = rankBottlenecks(RULES.map((rule) => rule(profile, ctx)).filter((b): b is Bottleneck => !!b));
  const first = found[0];
  if (first) return { resource: first.kind, evidence: first.evidence.slice(0, EVIDENCE_LINES).join('; ') };
  if (!sampled)
    return {
      resource: 'not measured',
      evidence: step.resources
        ? `${step.resources.samples.length} sample(s) of the SUT during the step: too few to judge it`
        : "the SUT's resources were not sampled during the step (no process of it to read)",
    };
  return { resource: 'none', evidence: `no measured resource reached its limit (${readings(profile)})` };
}

/** The step as a profile for the rules: the measurement's fields, the step's resources, no verdict. */
function asProfile(m: LoadMeasurement, resources: Resources | undefined): ProfileResult {
  return {
    name: 'step',
    kind: 'stress',
    status: 'pass',
    reasons: [],
    slo: { pass: true, checks: [] },
    ...m,
    ...(resources ? { resources } : {}),
  };
}

/** The numbers a `none` rests on: what each rule read and found under its threshold. */
function readings(p: ProfileResult): string {
  const s = p.resources?.summary ?? {};
  const out: string[] = [];
  // The mean, from the tree's CPU counters over the whole step: a light SUT's 100 ms samples
  // are mostly 0 (the kernel counts CPU in 10 ms ticks), so their median read 0 %.
  const cpu = s.cpuPercentMean ?? s.cpuPercentMedian;
  if (cpu !== undefined) out.push(`the SUT used ${cpu.toFixed(0)}% of a core`);
  if (s.eventLoopDelayP50Ms !== undefined) out.push(`event-loop delay median ${s.eventLoopDelayP50Ms.toFixed(1)} ms`);
  if (p.generator) out.push(`perfgate's client ${p.generator.cpuPercent.toFixed(0)}% of a core`);
  else out.push("perfgate's client not measured");
  return out.join(', ');
}

/** Limits that name a resource (not `none`, not `not measured`). */
const reached = (l: StepLimit | undefined) => l !== undefined && l.resource !== 'none' && l.resource !== 'not measured';

/**
 * The ramp's first limit in words, for the breaking-point sentence: `First limit reached: cpu at
 * 3000 req/s offered — the SUT used 196% of a core …`; undefined for a ramp without steps.
 */
export function describeFirstLimit(steps: readonly StressStep[]): string | undefined {
  if (steps.length === 0) return undefined;
  const first = steps.find((s) => reached(s.limitedBy));
  if (first?.limitedBy)
    return `First limit reached: ${first.limitedBy.resource} at ${describeOffered(first)} — ${first.limitedBy.evidence}`;
  if (steps.every((s) => !s.limitedBy || s.limitedBy.resource === 'not measured'))
    return 'The limiting resource was not measured';
  return 'No measured resource reached its limit in any step (the limit may be inside the SUT: a pool, a lock, a fixed concurrency)';
}
