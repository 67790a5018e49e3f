/**
 * Same-runner A/B: boots the base and the head checkout in turn (never both at once), runs the
 * load profiles for a short trial each time, in pairs whose order is randomized and balanced
 * (half the pairs base first, half head first) so that drift and warm caches hit both sides
 * alike. The per-trial numbers feed the paired comparison.
 */
import path from 'node:path';
import type { LoadProfile } from '../config/sections/load.js';
import type { Settings } from '../config/schema.js';
import { ConfigError, SutError } from '../errors.js';
import type { LoadRunner } from '../load/types.js';
import type { Logger } from '../log/logger.js';
import { trialStartLines } from '../log/progress.js';
import type { ProfileResult } from '../model/result.js';
import { runLoadProfile } from '../profiles/load.js';
import type { StartSutOptions, SutHandle } from '../sut/types.js';
import { describeLeftover } from '../sut/leftover.js';
import { candidateHosts, isPortOpen, portOf } from '../sut/readiness.js';
import { inheritedSutEnv } from '../secrets/collect.js';
import { assertSocketLimits } from '../load/capacity.js';
import { assertTargetAllowed } from '../sut/target.js';
import { allowedCpus, cpuListText, pinProcess, splitCpus, type CpuSplit } from '../proc/affinity.js';
import { watchNeighbours } from '../proc/neighbours.js';
import { SHORTEST_WARMUP_MS } from '../profiles/warmup.js';
import { comparedMetrics, isRatioMetric, metricValues, type MetricValues } from './metrics.js';
import type { TrialPair } from './paired.js';
import type { TrialSeries } from './noise.js';
import { seededRandom, shuffle } from './prng.js';

/** Hard cap on the load of one A/B (warmups included): a load test's 10-minute budget (README: Safety). */
const AB_LOAD_CAP_MS = 10 * 60_000;
/** Wall-clock slack on top of the planned load for booting and stopping the SUTs. */
const AB_BOOT_SLACK_MS = 3 * 60_000;

export type Side = 'base' | 'head';

/** One trial's warm-up until steady (ab.warmup: auto). */
export interface TrialWarmup {
  profile: string;
  side: Side;
  ms: number;
  /** false: it stopped at the cap without settling. */
  steady: boolean;
}

export interface AbInput {
  /** The base checkout's settings: its profiles and `ab` settings drive both sides (trusted). */
  base: Settings;
  /** The head checkout's settings: only its `sut` section is used. */
  head: Settings;
  outDir: string;
  seed: number;
  only?: string[];
  /**
   * Group-sequential looks (ab.sequential): after `at[k]` pairs, `stop` says whether the pairs so
   * far decide the A/B; the trials end there. Each block between looks is balanced on its own.
   */
  looks?: {
    at: readonly number[];
    stop: (pairs: AbTrials['pairs'], endpointPairs: AbTrials['endpointPairs']) => boolean;
  };
}

export interface AbDeps {
  logger: Logger;
  loadRunner: LoadRunner;
  startSut: (options: StartSutOptions) => Promise<SutHandle>;
  /** perfgate's environment: each SUT inherits an allow-list of it under its config's env. */
  env: NodeJS.ProcessEnv;
  /** Values masked in the SUTs' log tails. */
  /** Values masked in the trials' logs; values captured during the trials are added to it. */
  secrets?: string[] | undefined;
  signal?: AbortSignal | undefined;
}

export interface AbTrials {
  pairs: Record<string, TrialPair[]>;
  /** Per profile of several endpoints, each endpoint's pairs (an endpoint in both sides' results). */
  endpointPairs: Record<string, Record<string, TrialPair[]>>;
  /** Trial order as run, e.g. ["head","base","base","head",…]. */
  order: Side[];
  loadMs: number;
  /** The last head trial of each profile (its full result, for the report). */
  lastHead: ProfileResult[];
  /** Per trial, in the order run: CPU other processes used on the machine, % of one core. */
  neighbours: number[];
  /** Per trial and profile, in the order run: how long an auto warm-up took and whether it settled. */
  warmups: TrialWarmup[];
  /** Per profile, each trial's p50 and per-second p50s (for the noise split, compare/noise.ts). */
  series: Record<string, TrialSeries[]>;
  /** The CPUs of perfgate's client and of the SUT (ab.pin), or why they were not pinned. */
  pinned?: { generator: string; sut: string };
  unpinned?: string;
}

function abProfiles(settings: Settings, only?: string[]): LoadProfile[] {
  const loads = settings.config.profiles.filter(
    (p): p is LoadProfile => p.kind === 'load' && (!only?.length || only.includes(p.name)),
  );
  if (loads.length === 0)
    throw new ConfigError(
      `${settings.path}: profiles: no load profile${only?.length ? ` named ${only.join(', ')}` : ''} to run in an A/B; expected at least one with kind: load`,
    );
  return loads;
}

/**
 * A trial's warm-up as planned: the fixed ab.warmup, or for `auto` the shortest a warm-up until
 * steady can be (three windows), which a server that is warm at once takes.
 */
function plannedWarmupMs(ab: Settings['config']['ab']): number {
  return ab.warmup === 'auto' ? SHORTEST_WARMUP_MS : ab.warmup;
}

/** `2s warmup` or `warm-up until steady (at most 5s)`. */
function warmupText(ab: Settings['config']['ab']): string {
  return ab.warmup === 'auto'
    ? `a warm-up until steady (at most ${ab.maxWarmup / 1000}s)`
    : `${ab.warmup / 1000}s warmup`;
}

/** Planned load of an A/B in ms (auto warm-ups at their shortest); a ConfigError when it passes the cap. */
function plannedLoadMs(settings: Settings, profiles: number): number {
  const { pairs, trialDuration, trialsPerBoot } = settings.config.ab;
  const warmup = plannedWarmupMs(settings.config.ab);
  const planned = pairs * 2 * profiles * (trialsPerBoot * trialDuration + warmup);
  if (planned > AB_LOAD_CAP_MS) {
    const trials =
      trialsPerBoot > 1 ? `${trialsPerBoot} × ${trialDuration / 1000}s trials` : `${trialDuration / 1000}s trial`;
    throw new ConfigError(
      `ab: ${pairs} pairs × 2 sides × ${profiles} profiles × (${trials} + ${warmup / 1000}s ${settings.config.ab.warmup === 'auto' ? 'shortest warm-up' : 'warmup'}) is ${Math.round(planned / 1000)}s of load; an A/B may take at most ${AB_LOAD_CAP_MS / 60_000}m: lower ab.pairs or ab.trialDuration`,
    );
  }
  return planned;
}

/**
 * The cap of the next auto warm-up: ab.maxWarmup, less when the load left under the A/B's cap must
 * still cover the remaining trials at their shortest (so auto warm-ups never push an A/B past it).
 */
function warmCapMs(ab: Settings['config']['ab'], loadMs: number, bootsLeft: number): number {
  const spare = AB_LOAD_CAP_MS - loadMs - bootsLeft * (ab.trialsPerBoot * ab.trialDuration + SHORTEST_WARMUP_MS);
  return Math.max(SHORTEST_WARMUP_MS, Math.min(ab.maxWarmup, SHORTEST_WARMUP_MS + spare));
}

/**
 * Balanced random order: each pair is base→head or head→base, half of each (odd: one extra at
 * random), within each block ending at a look (one block without looks), so that an A/B stopped
 * at a look is balanced too.
 */
function trialOrder(pairs: number, seed: number, looks: readonly number[] = [pairs]): [Side, Side][] {
  const random = seededRandom(seed);
  const order: [Side, Side][] = [];
  let start = 0;
  for (const end of looks) {
    const size = end - start;
    const headFirst = Array.from(
      { length: size },
      (_, i) => i < Math.floor(size / 2) || (i === size - 1 && size % 2 === 1 && random() < 0.5),
    );
    order.push(...shuffle(headFirst, random).map((h): [Side, Side] => (h ? ['head', 'base'] : ['base', 'head'])));
    start = end;
  }
  return order;
}

export async function runAbTrials(input: AbInput, deps: AbDeps): Promise<AbTrials> {
  const profiles = abProfiles(input.base, input.only);
  const planned = plannedLoadMs(input.base, profiles.length);
  const { pairs, trialDuration, trialsPerBoot } = input.base.config.ab;
  const metrics = comparedMetrics(input.base.config.gates.regression);
  for (const s of [input.base, input.head])
    await assertTargetAllowed(s.config.sut.url, input.base.config.targets.allow);
  assertSocketLimits(profiles);

  const pinning = pinTrials(input.base.config.ab.pin);
  const limit = new AbortController();
  // Auto warm-ups may run longer than planned, never past the load cap (warmCapMs).
  const hardMs = (input.base.config.ab.warmup === 'auto' ? AB_LOAD_CAP_MS : planned) + AB_BOOT_SLACK_MS;
  const timer = setTimeout(
    () => limit.abort(new Error(`the A/B passed its hard limit of ${Math.round(hardMs / 1000)}s`)),
    hardMs,
  );
  const onAbort = () => limit.abort(deps.signal?.reason);
  deps.signal?.addEventListener('abort', onAbort, { once: true });

  const out = noTrialsYet(profiles, pinning);
  deps.logger.info(
    `A/B: ${input.looks ? 'at most ' : ''}${pairs} pairs × ${profiles.length} profile(s), ${trialsPerBoot > 1 ? `${trialsPerBoot} trials per boot, ` : ''}${trialDuration / 1000}s trials after ${warmupText(input.base.config.ab)}, seed ${input.seed} (${input.looks ? 'at most ' : ''}${input.base.config.ab.warmup === 'auto' ? 'about ' : ''}${Math.round(planned / 1000)}s of load)`,
  );
  try {
    const order = trialOrder(pairs, input.seed, input.looks?.at);
    const trialLine = trialStartLines(
      order.flat(),
      profiles.length * (trialsPerBoot * trialDuration + plannedWarmupMs(input.base.config.ab)),
    );
    for (const [i, sides] of order.entries()) {
      const measured: Partial<Record<Side, Measured>> = {};
      for (const side of sides) {
        if (limit.signal.aborted)
          throw new SutError(`A/B stopped: ${(limit.signal.reason as Error | undefined)?.message ?? 'aborted'}`);
        deps.logger.info(trialLine(out.order.length + 1));
        const bootsLeft = (pairs * 2 - out.order.length) * profiles.length;
        const trial = await runTrial(
          side === 'base' ? input.base : input.head,
          {
            side,
            profiles,
            cpus: 'split' in pinning ? pinning.split.sut : undefined,
            warmCapMs: () => warmCapMs(input.base.config.ab, out.loadMs, bootsLeft),
          },
          input,
          deps,
          limit.signal,
        );
        measured[side] = recordTrial(out, side, trial, metrics);
      }
      addPair(out, profiles, measured);
      deps.logger.info(`A/B pair ${i + 1}/${pairs} (${sides.join(' → ')}) done`);
      if (i + 1 < pairs && input.looks?.at.includes(i + 1) && input.looks.stop(out.pairs, out.endpointPairs)) {
        deps.logger.info(`A/B decided after ${i + 1} of at most ${pairs} pairs (ab.sequential)`);
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    deps.signal?.removeEventListener('abort', onAbort);
    if ('split' in pinning) pinning.restore();
  }
  return out;
}

/** One trial's numbers per profile, and per endpoint of a profile of several. */
interface Measured {
  profiles: Record<string, MetricValues>;
  endpoints: Record<string, Record<string, MetricValues>>;
}

/**
 * Adds a boot's trials to the A/B's books; its compared values. With several trials per boot
 * (ab.trialsPerBoot) the boot is the unit a pair compares: each metric's geometric mean over its
 * trials (the error rate's plain mean), so that trials of one boot never count as independent.
 */
function recordTrial(
  out: AbTrials,
  side: Side,
  trial: TrialOutcome,
  metrics: ReturnType<typeof comparedMetrics>,
): Measured {
  const { rounds } = trial;
  const boot = out.order.length;
  out.order.push(side);
  out.neighbours.push(trial.neighbours);
  for (const r of rounds.flat()) (out.series[r.name] ??= []).push(seriesOf(side, r, boot));
  out.warmups.push(...trial.warmups);
  out.loadMs += rounds.flat().reduce((ms, r) => ms + (r.durationSec + r.warmupSec) * 1000, 0);
  const last = rounds.at(-1) ?? [];
  if (side === 'head') out.lastHead = last;
  const ofProfile = (name: string) => rounds.flatMap((round) => round.filter((r) => r.name === name));
  const ofEndpoint = (name: string, endpoint: string) =>
    ofProfile(name).flatMap((r) => (r.endpoints ?? []).filter((e) => e.name === endpoint));
  return {
    profiles: Object.fromEntries(
      last.map((r) => [r.name, bootValues(ofProfile(r.name).map((x) => metricValues(x, metrics)))]),
    ),
    endpoints: Object.fromEntries(
      last.map((r) => [
        r.name,
        Object.fromEntries(
          (r.endpoints && r.endpoints.length > 1 ? r.endpoints : []).map((e) => [
            e.name,
            bootValues(ofEndpoint(r.name, e.name).map((y) => metricValues(y, metrics))),
          ]),
        ),
      ]),
    ),
  };
}

/** One boot's value per metric from its trials: the geometric mean (a ratio metric), the mean (errorRate). */
export function bootValues(trials: readonly MetricValues[]): MetricValues {
  if (trials.length === 1 && trials[0]) return trials[0];
  const out: MetricValues = {};
  const names = new Set(trials.flatMap((t) => Object.keys(t) as (keyof MetricValues)[]));
  for (const name of names) {
    const xs = trials.map((t) => t[name]).filter((x): x is number => x !== undefined);
    if (xs.length === 0) continue;
    const ratio = isRatioMetric(name) && xs.every((x) => x > 0);
    out[name] = ratio
      ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length)
      : xs.reduce((a, x) => a + x, 0) / xs.length;
  }
  return out;
}

/** A pair's values, per profile and per endpoint found on both sides. */
function addPair(out: AbTrials, profiles: LoadProfile[], measured: Partial<Record<Side, Measured>>): void {
  for (const p of profiles) {
    const base = measured.base?.profiles[p.name];
    const head = measured.head?.profiles[p.name];
    if (base && head) out.pairs[p.name]?.push({ base, head });
    for (const [endpoint, b] of Object.entries(measured.base?.endpoints[p.name] ?? {})) {
      const h = measured.head?.endpoints[p.name]?.[endpoint];
      if (!h) continue;
      const byEndpoint = (out.endpointPairs[p.name] ??= {});
      (byEndpoint[endpoint] ??= []).push({ base: b, head: h });
    }
  }
}

interface TrialOutcome {
  /** Per trial on this boot (ab.trialsPerBoot), each profile's result. */
  rounds: ProfileResult[][];
  neighbours: number;
  warmups: TrialWarmup[];
}

async function runTrial(
  settings: Settings,
  trial: {
    side: Side;
    profiles: LoadProfile[];
    cpus: readonly number[] | undefined;
    /** The cap of an auto warm-up now (ab.warmup: auto). */
    warmCapMs: () => number;
  },
  input: AbInput,
  deps: AbDeps,
  signal: AbortSignal,
): Promise<TrialOutcome> {
  const { side, profiles } = trial;
  const { trialDuration, warmup } = input.base.config.ab;
  const warmups: TrialWarmup[] = [];
  await waitForPortFree(settings.config.sut.url, signal);
  const sut = await deps.startSut({
    config: settings.config.sut,
    dir: settings.dir,
    logDir: path.join(input.outDir, 'ab', side),
    inheritedEnv: inheritedSutEnv(settings.config.sut, deps.env),
    secrets: deps.secrets ?? [],
    signal,
    ...(trial.cpus ? { cpus: trial.cpus } : {}),
    // The next trial would find the port taken: say by whom.
    onLeftover: (leftover) => deps.logger.warn(describeLeftover(leftover)),
  });
  const rounds: ProfileResult[][] = [];
  const others = watchNeighbours(() => sut.pids());
  try {
    for (let round = 0; round < input.base.config.ab.trialsPerBoot; round++) {
      rounds.push(await runRound(round === 0));
    }
    return { rounds, neighbours: others.stop(), warmups };
  } finally {
    await sut.stop();
  }

  /** Every profile once on this boot; warmed (as ab.warmup says) only on the boot's first round. */
  async function runRound(first: boolean): Promise<ProfileResult[]> {
    const results: ProfileResult[] = [];
    for (const profile of profiles) {
      const r = await runLoadProfile(
        {
          settings,
          config: settings.config,
          baseUrl: sut.url,
          sut,
          loadRunner: deps.loadRunner,
          logger: deps.logger,
          signal,
          outDir: input.outDir,
          env: deps.env,
          onSecret: (value) => deps.secrets?.push(value),
        },
        { ...profile, duration: trialDuration, warmup: warmup === 'auto' || !first ? 0 : warmup },
        warmup === 'auto' && first
          ? {
              warmUntilSteady: {
                capMs: trial.warmCapMs(),
                onWarm: (w) => warmups.push({ profile: profile.name, side, ms: w.ms, steady: w.steady }),
              },
            }
          : {},
      );
      const exit = sut.exit();
      if (exit)
        throw new SutError(
          `the ${side} SUT exited during an A/B trial of ${profile.name} (${exit.signal ?? `exit code ${exit.code}`})`,
          sut.logTail(40),
        );
      if (r.status === 'error')
        throw new SutError(
          `the ${side} SUT failed an A/B trial of ${profile.name}: ${r.reasons.join('; ')}`,
          sut.logTail(40),
        );
      results.push(r);
    }
    return results;
  }
}

/** A trial's p50 and its seconds' p50s (the timeline leaves out seconds without an answer as 0). */
function seriesOf(side: Side, r: ProfileResult, boot: number): TrialSeries {
  return { side, boot, p50: r.latency.p50, seconds: r.timeline.map((t) => t.p50) };
}

/**
 * The previous trial's SUT was stopped, but its port may take a moment to be released (or a
 * straggler may still be closing): wait up to 5 s so that a trial does not fail on its own
 * predecessor. A port that stays taken is startSut's clear error.
 */
async function waitForPortFree(sutUrl: string, signal: AbortSignal): Promise<void> {
  const url = new URL(sutUrl);
  const port = portOf(url);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && !signal.aborted) {
    let busy = false;
    for (const host of candidateHosts(url)) if (await isPortOpen(host, port)) busy = true;
    if (!busy) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Pins perfgate's threads to one CPU for the trials, the SUT going to the others (ab.pin: auto);
 * or says why not. `restore` gives perfgate its CPUs back.
 */
function pinTrials(mode: 'auto' | 'off'): { split: CpuSplit; restore: () => void } | { reason: string } {
  if (mode === 'off') return { reason: 'ab.pin is off' };
  const allowed = allowedCpus();
  const split = splitCpus(allowed);
  if (!allowed || !split) return { reason: allowed ? 'one CPU only' : 'no CPU affinity on this system' };
  if (!pinProcess(process.pid, split.generator)) return { reason: 'taskset (util-linux) is not available' };
  return { split, restore: () => void pinProcess(process.pid, allowed) };
}

/** The books of an A/B before its first trial. */
function noTrialsYet(profiles: LoadProfile[], pinning: ReturnType<typeof pinTrials>): AbTrials {
  return {
    pairs: Object.fromEntries(profiles.map((p) => [p.name, []])),
    endpointPairs: {},
    order: [],
    loadMs: 0,
    lastHead: [],
    neighbours: [],
    warmups: [],
    series: {},
    ...('split' in pinning
      ? { pinned: { generator: cpuListText(pinning.split.generator), sut: cpuListText(pinning.split.sut) } }
      : { unpinned: pinning.reason }),
  };
}
