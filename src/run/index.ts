/**
 * One composition of a perfgate run, used by the CLI (`run`, `ab`) and the action alike:
 * measure (target check → SUT → profiles with collectors, or the A/B trials) → analyze →
 * compare (stored baseline, or the A/B's paired statistics) → roll up the verdict → export →
 * publish (an injected step: only the action has one) → write the record. The front doors only
 * turn their arguments into a RunRequest and the outcome into an exit code.
 */
import { analyzeRun } from '../analyze/index.js';
import type { BaselineStore } from '../baseline/index.js';
import { compareWithBaseline, saveToBaseline } from '../baseline/stage.js';
import type { ProfileConfig, Settings } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { exportResult } from '../export/index.js';
import type { LoadRunner } from '../load/types.js';
import type { Logger } from '../log/logger.js';
import type { RunResult } from '../model/result.js';
import { createCollectors } from '../monitor/collectors/index.js';
import { writeRunOutputs, type RunOutputs } from '../report/write.js';
import { collectSecrets } from '../secrets/collect.js';
import { maskDeep, maskError, maskingLogger, maskSecrets } from '../secrets/mask.js';
import type { StartSutOptions, SutHandle } from '../sut/types.js';
import { newRunResult } from './frame.js';
import { measureProfiles } from './measure.js';
import { isLoopbackUrl } from '../sut/target.js';
import { rollUpVerdict } from './verdict.js';

export interface RunContext {
  git: RunResult['git'];
  runner: { name?: string; ci: boolean };
}

export interface RunRequest {
  settings: Settings;
  outDir: string;
  context: RunContext;
  /** Run only these profiles (by name); all when empty. */
  only?: string[] | undefined;
  /** Notices settled before the run (e.g. a threshold change that needs review). */
  notices?: string[];
  /** Failures settled before the run ("needs review: …" of a pull request): the run fails with them. */
  reviewProblems?: string[] | undefined;
  /** Hold the first profile until this time (ms since the epoch): shards on several runners. */
  startAt?: number | undefined;
  /** Compare with (and, on a trusted event, save to) this store. */
  baseline?: { store: BaselineStore; baseRef: string | undefined } | undefined;
  /** Write report.html (default: the config's report.html). */
  html?: boolean | undefined;
}

/** A publishing step run after the verdict and before the record is written: its notices go into result.json. */
export type PublishStep<T extends { notices: string[] }> = (result: RunResult) => Promise<T>;

export interface RunDeps<P extends { notices: string[] } = { notices: string[] }> {
  logger: Logger;
  loadRunner: LoadRunner;
  startSut: (options: StartSutOptions) => Promise<SutHandle>;
  /** perfgate's environment, read at the front door: the SUT's inherited env, secrets named by the config, the event. */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  /** Told of each secret learnt during the run (a captured token): the action registers it with the runner. */
  onSecret?: ((value: string) => void) | undefined;
  now?: () => Date;
  publish?: PublishStep<P> | undefined;
}

export interface RunOutcome<P> {
  result: RunResult;
  outputs: RunOutputs;
  published: P | undefined;
}

export async function executeRun<P extends { notices: string[] }>(
  request: RunRequest,
  deps: RunDeps<P>,
): Promise<RunOutcome<P>> {
  const secrets = collectSecrets(request.settings, deps.env);
  // A failure's message can quote sut.url or the SUT's words, and the front doors print it.
  return runStages(request, deps, secrets).catch((e: unknown) => {
    throw maskError(e, secrets);
  });
}

async function runStages<P extends { notices: string[] }>(
  request: RunRequest,
  deps: RunDeps<P>,
  secrets: string[],
): Promise<RunOutcome<P>> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const { settings, outDir } = request;
  const { config } = settings;
  const logger = maskingLogger(deps.logger, secrets);
  const profiles = selectProfiles(settings, request.only);
  const collectors = createCollectors(settings, outDir, logger, {
    nodeOptions: deps.env.NODE_OPTIONS,
    postgresUrl: config.monitor.postgres ? deps.env[config.monitor.postgres.urlEnv] : undefined,
  });
  const measured = await measureProfiles(
    { settings, outDir, profiles, startAt: request.startAt },
    {
      logger,
      loadRunner: deps.loadRunner,
      startSut: deps.startSut,
      collectors: collectors.all,
      sampler: () => collectors.process?.current(),
      env: deps.env,
      secrets,
      onSecret: deps.onSecret,
      now,
      signal: deps.signal,
    },
  );
  const result = newRunResult({
    startedAt: started,
    finishedAt: now(),
    configPath: settings.path,
    git: request.context.git,
    runner: request.context.runner,
    sut: { url: config.sut.url, ...(config.sut.command ? { command: config.sut.command } : {}), ...measured.sut },
    notices: [...measured.notices, ...(request.notices ?? [])],
  });
  result.profiles = measured.profiles;
  const analysis = analyzeRun({
    profiles: result.profiles,
    configs: config.profiles,
    hygiene: measured.hygiene,
    loopbackTarget: isLoopbackUrl(config.sut.url),
    unmonitored: config.monitor.enabled ? undefined : 'monitor.enabled is false',
  });
  result.bottlenecks.push(...analysis.bottlenecks);
  result.suggestions.push(...analysis.suggestions);
  result.notices.push(...analysis.notices);
  for (const b of analysis.bottlenecks) logger.info(`bottleneck (${b.profile}): ${b.kind} — ${b.evidence[0] ?? ''}`);

  const problems = [...measured.problems];
  const failures = request.reviewProblems ?? [];
  if (request.baseline) {
    const stage = {
      store: request.baseline.store,
      baseRef: request.baseline.baseRef,
      env: deps.env,
      logger,
    };
    problems.push(...(await compareWithBaseline(result, settings, stage)));
    const verdictInput = { problems, failures, profiles: result.profiles, comparison: result.comparison };
    Object.assign(result, rollUpVerdict(verdictInput));
    // The stored baseline is an output too: masked, the verdict's reasons included, before it is saved.
    Object.assign(result, maskDeep(result, secrets));
    problems.push(...(await saveToBaseline(result, settings, stage)));
  }
  return recordRun(result, problems, { settings, outDir, html: request.html, secrets, failures }, { ...deps, logger });
}

/** The stages after the measurements, shared by `run` and `ab`: verdict → export → publish → record. */
export async function recordRun<P extends { notices: string[] }>(
  result: RunResult,
  problems: readonly string[],
  target: {
    settings: Settings;
    outDir: string;
    html?: boolean | undefined;
    secrets: readonly string[];
    failures?: readonly string[];
  },
  deps: Pick<RunDeps<P>, 'logger' | 'env' | 'publish'>,
): Promise<RunOutcome<P>> {
  const { config } = target.settings;
  const { failures } = target;
  Object.assign(
    result,
    rollUpVerdict({ problems, failures, profiles: result.profiles, comparison: result.comparison }),
  );
  Object.assign(result, maskDeep(result, target.secrets));
  await exportResult(result, config, target.outDir, deps.logger, deps.env);
  const published = deps.publish ? await deps.publish(result) : undefined;
  if (published) result.notices.push(...published.notices.map((n) => maskSecrets(n, target.secrets)));
  const outputs = await writeRunOutputs(result, target.outDir, {
    html: target.html ?? config.report.html,
    ...(config.export.junit ? { junit: config.export.junit } : {}),
  });
  return { result, outputs, published };
}

function selectProfiles(settings: Settings, only: readonly string[] | undefined): ProfileConfig[] {
  const all = settings.config.profiles;
  if (!only?.length) return all;
  const names = all.map((p) => p.name);
  for (const n of only) {
    if (!names.includes(n))
      throw new ConfigError(
        `--profile: ${JSON.stringify(n)} is not a profile in ${settings.path}; expected one of ${names.join(', ')}`,
      );
  }
  return all.filter((p) => only.includes(p.name));
}
