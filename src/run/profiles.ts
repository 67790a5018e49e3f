/**
 * The stages of a perfgate run, in order: check the target, boot the SUT, run each profile
 * (with the monitor around it), analyze, compare, and roll up a verdict. Knows nothing of
 * GitHub or of the command line; every edge is injected.
 */
import { mkdir } from 'node:fs/promises';
import { ConfigError, SutError } from '../errors.js';
import type { ProfileConfig, Settings } from '../config/schema.js';
import { worstStatus } from '../verdict/status.js';
import type { LoadRunner } from '../load/types.js';
import type { Logger } from '../log/logger.js';
import type { ProfileResult, RunResult } from '../model/result.js';
import { newRunResult } from './frame.js';
import { emptyMeasurement } from '../load/empty.js';
import { runProfile } from '../profiles/index.js';
import type { StartSutOptions, SutHandle } from '../sut/types.js';
import { assertTargetAllowed } from '../sut/target.js';

/**
 * A stage that watches the run without owning it (the resource monitor, the analyzers): the
 * pipeline calls each hook in order and keeps going if one fails (its error becomes a notice).
 */
export interface RunObserver {
  name: string;
  /** Before the SUT starts: extra environment for it (e.g. NODE_OPTIONS for a probe). */
  sutEnv?(settings: Settings): Promise<Record<string, string>>;
  /** Right before a profile's load starts. */
  beforeProfile?(profile: ProfileConfig, sut: SutHandle): Promise<void>;
  /** Right after a profile: may add fields (e.g. resources) to its result. */
  afterProfile?(profile: ProfileConfig, sut: SutHandle, result: ProfileResult): Promise<void>;
  /** After the SUT was stopped (CPU profiles are written at exit): may add bottlenecks, suggestions, notices. */
  afterRun?(result: RunResult): Promise<void>;
}

export interface PipelineDeps {
  logger: Logger;
  observers?: RunObserver[];
  loadRunner: LoadRunner;
  startSut: (options: StartSutOptions) => Promise<SutHandle>;
  now?: () => Date;
  /** Aborted when perfgate is interrupted: profiles stop early and the SUT is torn down. */
  signal?: AbortSignal;
}

export interface RunContext {
  git?: RunResult['git'];
  runner?: { name?: string; ci: boolean };
}

export interface PipelineInput {
  settings: Settings;
  outDir: string;
  context?: RunContext;
  /** Run only these profiles (by name); all when empty. */
  only?: string[];
}

/** Slack on top of a profile's own duration before the pipeline aborts it (hard limit). */
const PROFILE_OVERRUN_MS = 60_000;

export async function runPipeline(input: PipelineInput, deps: PipelineDeps): Promise<RunResult> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const { config } = input.settings;
  const log = deps.logger;
  const profiles = selectProfiles(input);

  await assertTargetAllowed(config.sut.url, config.targets.allow);
  await mkdir(input.outDir, { recursive: true });

  const result: RunResult = newRunResult({
    startedAt: started,
    configPath: input.settings.path,
    git: input.context?.git ?? {},
    runner: input.context?.runner ?? { ci: false },
    sut: { url: config.sut.url, ...(config.sut.command ? { command: config.sut.command } : {}) },
  });
  const finish = (): RunResult => {
    const end = now();
    result.finishedAt = end.toISOString();
    result.durationMs = end.getTime() - started.getTime();
    const statuses = result.profiles.map((p) => p.status);
    if (result.status !== 'error') result.status = worstStatus(statuses);
    return result;
  };

  deps.signal?.addEventListener('abort', () => log.warn(`interrupted (${(deps.signal?.reason as Error | undefined)?.message ?? 'aborted'}): stopping the load and tearing the SUT down`), { once: true });
  const observers = deps.observers ?? [];
  const observe = async (hook: string, call: (o: RunObserver) => Promise<unknown> | undefined): Promise<void> => {
    for (const o of observers) {
      try {
        await call(o);
      } catch (e) {
        const msg = `${o.name} (${hook}) failed: ${(e as Error).message}`;
        log.warn(msg);
        result.notices.push(msg);
      }
    }
  };
  const extraEnv: Record<string, string> = {};
  await observe('sutEnv', async (o) => Object.assign(extraEnv, await o.sutEnv?.(input.settings)));

  let sut: SutHandle;
  try {
    log.info(config.sut.command ? `starting the SUT: ${config.sut.command}` : `checking the running server at ${config.sut.url}`);
    sut = await deps.startSut({ config: config.sut, dir: input.settings.dir, logDir: input.outDir, extraEnv, ...(deps.signal ? { signal: deps.signal } : {}) });
  } catch (e) {
    if (!(e instanceof SutError)) throw e;
    result.status = 'error';
    result.reasons.push(e.message);
    if (e.logTail) result.sut.logTail = e.logTail;
    return finish();
  }
  if (sut.startupMs !== undefined) {
    result.sut.startupMs = sut.startupMs;
    log.info(`the SUT is ready after ${(sut.startupMs / 1000).toFixed(1)}s`);
  }

  try {
    for (const profile of profiles) {
      if (deps.signal?.aborted) break;
      const crashed = sut.exit();
      if (crashed) {
        result.profiles.push(skippedProfile(profile, now(), 'not run: the SUT had already exited'));
        continue;
      }
      await observe('beforeProfile', (o) => o.beforeProfile?.(profile, sut));
      const profileResult = await runOneProfile(input, deps, sut, profile, now);
      await observe('afterProfile', (o) => o.afterProfile?.(profile, sut, profileResult));
      result.profiles.push(profileResult);
      const exit = sut.exit();
      if (exit && !result.sut.exit) {
        result.sut.exit = { ...exit, duringProfile: profile.name };
        result.sut.logTail = sut.logTail(40);
        result.status = 'error';
        result.reasons.push(`the SUT exited during profile ${profile.name} at ${(exit.atMs / 1000).toFixed(1)}s (${exitText(exit)})`);
      }
    }
  } finally {
    await sut.stop();
  }
  await observe('afterRun', (o) => o.afterRun?.(result));
  if (deps.signal?.aborted) {
    result.status = 'error';
    result.reasons.push(`interrupted (${(deps.signal.reason as Error | undefined)?.message ?? 'aborted'}) before all profiles ran`);
  }
  for (const p of result.profiles) for (const r of p.reasons) if (p.status !== 'pass') result.reasons.push(`${p.name}: ${r}`);
  return finish();
}

function selectProfiles(input: PipelineInput): Settings['config']['profiles'] {
  const all = input.settings.config.profiles;
  if (!input.only?.length) return all;
  const names = all.map((p) => p.name);
  for (const n of input.only) {
    if (!names.includes(n)) throw new ConfigError(`--profile: ${JSON.stringify(n)} is not a profile in ${input.settings.path}; expected one of ${names.join(', ')}`);
  }
  return all.filter((p) => input.only?.includes(p.name));
}

async function runOneProfile(
  input: PipelineInput,
  deps: PipelineDeps,
  sut: SutHandle,
  profile: Settings['config']['profiles'][number],
  now: () => Date,
): Promise<ProfileResult> {
  const controller = new AbortController();
  const abort = (why: string) => () => controller.abort(new Error(why));
  deps.signal?.addEventListener('abort', abort('interrupted'), { once: true });
  void sut.exited.then(abort('the SUT exited'));
  const limit = profileTimeLimitMs(profile);
  const timer = setTimeout(abort(`profile ${profile.name} passed its time limit of ${Math.round(limit / 1000)}s`), limit);
  const startedAt = now();
  try {
    return await runProfile(
      {
        settings: input.settings,
        config: input.settings.config,
        baseUrl: sut.url,
        sut,
        loadRunner: deps.loadRunner,
        logger: deps.logger,
        signal: controller.signal,
        outDir: input.outDir,
      },
      profile,
    );
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    deps.logger.error(`profile ${profile.name} failed: ${(e as Error).message}`);
    return skippedProfile(profile, startedAt, `failed: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Hard wall-clock limit of one profile: its configured length plus slack, never past the mission's budgets. */
export function profileTimeLimitMs(profile: Settings['config']['profiles'][number]): number {
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

function skippedProfile(profile: { name: string; kind: ProfileResult['kind'] }, at: Date, reason: string): ProfileResult {
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

function exitText(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}
