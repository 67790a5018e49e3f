/**
 * The measuring stage of a run: check the target, boot the SUT with what the collectors need in
 * its environment, run each profile with the collectors around it, tear the SUT down. Returns
 * the profiles' results and the run-level problems (did not start, crashed, interrupted); the
 * verdict is rolled up later, in run/verdict.ts.
 */
import { mkdir } from 'node:fs/promises';
import type { ProfileConfig, Settings } from '../config/schema.js';
import { ConfigError, SutError } from '../errors.js';
import { assertSocketLimits } from '../load/capacity.js';
import { emptyMeasurement } from '../load/empty.js';
import type { LoadRunner } from '../load/types.js';
import type { Logger } from '../log/logger.js';
import type { HygieneFinding } from '../model/hygiene.js';
import type { ProfileResult, RunResult } from '../model/result.js';
import type { Collector } from '../monitor/collector.js';
import type { ResourceSampler } from '../monitor/sampler.js';
import { runProfile } from '../profiles/index.js';
import { profileStartLine } from '../profiles/plan.js';
import { inheritedSutEnv } from '../secrets/collect.js';
import { maskFile } from '../secrets/mask.js';
import { describeLeftover } from '../sut/leftover.js';
import { assertTargetAllowed } from '../sut/target.js';
import { prepareCheckout } from '../sut/build.js';
import type { StartSutOptions, SutHandle } from '../sut/types.js';
import { collectAround } from './collect.js';
import { waitForStartTime } from './start-at.js';

export interface MeasureDeps {
  logger: Logger;
  loadRunner: LoadRunner;
  startSut: (options: StartSutOptions) => Promise<SutHandle>;
  collectors: readonly Collector[];
  /** The process collector's running sampler, for stress ramps. */
  sampler?: (() => ResourceSampler | undefined) | undefined;
  /** perfgate's environment: what profiles may read (JMeter's location); the SUT inherits only an allow-list of it. */
  env: NodeJS.ProcessEnv;
  /** Values masked in sut.log and the SUT's log tail; values learnt during the run (captures) are added to it. */
  secrets: string[];
  /** Told of each value learnt during the run (the action registers it with the runner). */
  onSecret?: ((value: string) => void) | undefined;
  now: () => Date;
  /** Aborted when perfgate is interrupted: profiles stop early and the SUT is torn down. */
  signal?: AbortSignal | undefined;
}

export interface MeasureInput {
  settings: Settings;
  outDir: string;
  profiles: readonly ProfileConfig[];
  /** Hold the first profile until this time (ms since the epoch), so that shards overlap. */
  startAt?: number | undefined;
}

export interface Measured {
  profiles: ProfileResult[];
  sut: Pick<RunResult['sut'], 'startupMs' | 'exit' | 'logTail'>;
  /** Run-level problems, each making the run an error: the SUT did not start or crashed, an interrupt. */
  problems: string[];
  notices: string[];
  hygiene: Map<string, HygieneFinding[]>;
}

/** Slack on top of a profile's own duration before it is aborted (hard limit). */
const PROFILE_OVERRUN_MS = 60_000;

export async function measureProfiles(input: MeasureInput, deps: MeasureDeps): Promise<Measured> {
  const { config } = input.settings;
  const log = deps.logger;
  await assertTargetAllowed(config.sut.url, config.targets.allow);
  assertSocketLimits(input.profiles);
  await mkdir(input.outDir, { recursive: true });
  const out: Measured = { profiles: [], sut: {}, problems: [], notices: [], hygiene: new Map() };
  const collect = collectAround(deps.collectors, log, out.notices);
  const onInterrupt = () =>
    log.warn(`interrupted (${reasonOf(deps.signal as AbortSignal)}): stopping the load and tearing the SUT down`);
  deps.signal?.addEventListener('abort', onInterrupt, { once: true });
  try {
    return await measureWithSut(input, deps, out, collect);
  } finally {
    deps.signal?.removeEventListener('abort', onInterrupt);
  }
}

async function measureWithSut(
  input: MeasureInput,
  deps: MeasureDeps,
  out: Measured,
  collect: ReturnType<typeof collectAround>,
): Promise<Measured> {
  const { config } = input.settings;
  const log = deps.logger;

  const extraEnv = await collect.sutEnv();
  let sut: SutHandle;
  try {
    await prepareCheckout(input.settings, {
      what: 'checkout',
      logDir: input.outDir,
      env: deps.env,
      secrets: deps.secrets,
      signal: deps.signal,
      logger: log,
    });
    log.info(
      config.sut.command
        ? `starting the SUT: ${config.sut.command}`
        : `checking the running server at ${config.sut.url}`,
    );
    sut = await deps.startSut({
      config: config.sut,
      dir: input.settings.dir,
      logDir: input.outDir,
      extraEnv,
      inheritedEnv: inheritedSutEnv(config.sut, deps.env),
      secrets: deps.secrets,
      ...(deps.signal ? { signal: deps.signal } : {}),
      onLeftover: (leftover) => {
        const text = describeLeftover(leftover);
        log.warn(text);
        out.notices.push(text);
      },
    });
  } catch (e) {
    if (!(e instanceof SutError)) throw e;
    out.problems.push(e.message);
    if (e.logTail) out.sut.logTail = e.logTail;
    return out;
  }
  if (sut.startupMs !== undefined) {
    out.sut.startupMs = sut.startupMs;
    log.info(`the SUT is ready after ${(sut.startupMs / 1000).toFixed(1)}s`);
  }
  try {
    if (input.startAt !== undefined) await waitForStartTime(input.startAt, log, deps.signal);
    for (const [i, profile] of input.profiles.entries()) {
      if (deps.signal?.aborted) break;
      if (sut.exit()) {
        out.profiles.push(skippedProfile(profile, deps.now(), 'not run: the SUT had already exited'));
        continue;
      }
      log.info(profileStartLine(input.profiles, i));
      await collect.start({ profile, sut });
      const result = await runOneProfile(input, deps, sut, profile);
      const part = await collect.stop({ profile, sut });
      if (part.resources) result.resources = part.resources;
      if (part.hygiene) out.hygiene.set(profile.name, part.hygiene);
      out.profiles.push(result);
      noteCrash(sut, profile, out);
    }
  } finally {
    await sut.stop();
    await maskFile(sut.logFile, deps.secrets);
  }
  await collect.finish();
  if (deps.signal?.aborted) out.problems.push(`interrupted (${reasonOf(deps.signal)}) before all profiles ran`);
  return out;
}

function noteCrash(sut: SutHandle, profile: ProfileConfig, out: Measured): void {
  const exit = sut.exit();
  if (!exit || out.sut.exit) return;
  out.sut.exit = { ...exit, duringProfile: profile.name };
  out.sut.logTail = sut.logTail(40);
  out.problems.push(
    `the SUT exited during profile ${profile.name} at ${(exit.atMs / 1000).toFixed(1)}s (${exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`})`,
  );
}

async function runOneProfile(
  input: MeasureInput,
  deps: MeasureDeps,
  sut: SutHandle,
  profile: ProfileConfig,
): Promise<ProfileResult> {
  const controller = new AbortController();
  const abort = (why: string) => () => controller.abort(new Error(why));
  const onInterrupt = abort('interrupted');
  deps.signal?.addEventListener('abort', onInterrupt, { once: true });
  void sut.exited.then(abort('the SUT exited'));
  const limit = profileTimeLimitMs(profile);
  const timer = setTimeout(
    abort(`profile ${profile.name} passed its time limit of ${Math.round(limit / 1000)}s`),
    limit,
  );
  const startedAt = deps.now();
  try {
    const ctx = {
      settings: input.settings,
      config: input.settings.config,
      baseUrl: sut.url,
      sut,
      loadRunner: deps.loadRunner,
      logger: deps.logger,
      signal: controller.signal,
      outDir: input.outDir,
      env: deps.env,
      sampler: deps.sampler,
      onSecret: (value: string) => {
        deps.secrets.push(value);
        deps.onSecret?.(value);
      },
    };
    return await runProfile(ctx, profile);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    deps.logger.error(`profile ${profile.name} failed: ${(e as Error).message}`);
    return skippedProfile(profile, startedAt, `failed: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
    // One listener per profile on the run's signal would pile up over a long run.
    deps.signal?.removeEventListener('abort', onInterrupt);
  }
}

/** Hard wall-clock limit of one profile: its configured length plus slack, never past the budgets in the README. */
function profileTimeLimitMs(profile: ProfileConfig): number {
  switch (profile.kind) {
    case 'load':
      return profile.duration + profile.warmup + PROFILE_OVERRUN_MS;
    case 'stress':
      return profile.budget;
    case 'robustness':
      return 5 * 60_000;
    case 'jmeter':
      return profile.timeout;
  }
}

function skippedProfile(
  profile: { name: string; kind: ProfileResult['kind'] },
  at: Date,
  reason: string,
): ProfileResult {
  return {
    name: profile.name,
    kind: profile.kind,
    status: 'error',
    reasons: [reason],
    ...emptyMeasurement(),
    startedAt: at.toISOString(),
    slo: { pass: false, checks: [] },
  };
}

const reasonOf = (signal: AbortSignal): string => (signal.reason as Error | undefined)?.message ?? 'aborted';
