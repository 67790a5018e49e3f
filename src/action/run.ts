/**
 * The GitHub Action front door: settle the inputs, run the same pipeline as the CLI, write the
 * outputs and the job summary, publish, and only then decide the step's outcome (one setFailed).
 */
import * as core from '@actions/core';
import { readActionSettings, type ActionSettings } from './inputs.js';
import type { Settings } from '../config/schema.js';
import type { RunOutcome } from '../run/index.js';
import type { PublishOutcome } from '../publish/index.js';
import { loadSettings } from '../config/read.js';
import { ConfigError, exitCodeOf, SutError } from '../errors.js';
import { gitContext, runnerContext } from '../run/context.js';
import { watchInternalErrors } from '../log/internal-error.js';
import { createLoadRunner } from '../load/index.js';
import type { Logger } from '../log/logger.js';
import { executeRun } from '../run/index.js';
import { collectSecrets } from '../secrets/collect.js';
import { maskableSecrets } from '../secrets/mask.js';
import { isPullRequestEvent, reviewAgainstRef } from '../compare/review.js';
import { startSut } from '../sut/index.js';
import { openBaselineStore } from '../baseline/index.js';
import { actionsCacheTransport } from './cache.js';
import { publishToGitHub } from '../publish/index.js';
import { readRunEvent, untrustedCheckoutProblem } from '../publish/event.js';
import { inspectCheckout } from './checkout.js';
import { reportToRunner } from './outputs.js';
import { runAbMode } from './ab.js';
import type { RunResult } from '../model/result.js';

const actionLogger: Logger = {
  info: (m) => core.info(m),
  warn: (m) => core.warning(m),
  error: (m) => core.error(m),
  debug: (m) => core.debug(m),
  progress: (() => {
    let last = 0;
    return (m: string) => {
      const t = Date.now();
      if (t - last >= 5_000) {
        last = t;
        core.info(m);
      }
    };
  })(),
};

export async function run(): Promise<void> {
  const interrupts = new AbortController();
  // The runner sends SIGINT on cancel, SIGTERM ~7.5 s later: abort so the SUT is torn down in time.
  process.once('SIGINT', () => interrupts.abort(new Error('received SIGINT')));
  process.once('SIGTERM', () => interrupts.abort(new Error('received SIGTERM')));
  const internal = watchInternalErrors(
    (reason) => interrupts.abort(reason),
    (line) => core.error(line),
  );
  try {
    const inputs = readActionSettings();
    const event = readRunEvent(process.env);
    const refusal = untrustedCheckoutProblem(
      event,
      inspectCheckout(inputs.workingDirectory, event),
      inputs.allowUntrustedCheckout,
    );
    if (refusal) {
      core.setOutput('status', 'error');
      await core.summary.addRaw(`## 💥 perfgate: refused to run\n\n${refusal}\n`).write();
      core.setFailed(`perfgate: ${refusal}`);
      return;
    }
    const { result, outputs, published } = await measureAndCompare(inputs, interrupts.signal);
    await reportToRunner(result, outputs, published, inputs.outDir, inputs.failOn);
    if (internal.code() !== undefined) core.setFailed('perfgate: stopped by an internal error (see above)');
  } catch (e) {
    const err = e as Error;
    if (e instanceof SutError && e.logTail) core.error(`last lines of the SUT's output:\n${e.logTail}`);
    core.setOutput('status', 'error');
    core.setFailed(`perfgate: ${err.message} (exit code ${exitCodeOf(e)})`);
  }
}

/** Settles the config (and, for a run, its review against the base branch), then runs the A/B or the run. */
async function measureAndCompare(inputs: ActionSettings, signal: AbortSignal): Promise<RunOutcome<PublishOutcome>> {
  // A pull request is gated with its base branch's thresholds when it edits them (listed for review).
  const baseRef = process.env.GITHUB_BASE_REF || undefined;
  const pullRequest = isPullRequestEvent(process.env.GITHUB_EVENT_NAME);
  const settingsAtHead = await loadSettings(inputs.configPath, process.env);
  if (inputs.mode === 'ab' && inputs.baseline !== undefined)
    throw new ConfigError(
      `input baseline: ${JSON.stringify(inputs.baseline)} with mode "ab": a same-runner A/B compares with the base checkout, not a stored baseline; use one of them`,
    );
  // In an A/B the base checkout's own config is read by the A/B itself (run/ab.ts lists the head's changes).
  const review =
    inputs.mode === 'ab'
      ? { settings: settingsAtHead, notices: [], problems: [] }
      : reviewAgainstRef(settingsAtHead, baseRef, { pullRequest, env: process.env });
  const settings = review.settings;
  const store =
    inputs.baseline !== undefined
      ? openBaselineStore(settings, inputs.baseline, inputs.workingDirectory, {
          cache: actionsCacheTransport(process.env),
          env: process.env,
        })
      : undefined;
  // The runner masks what is registered here in its log too (perfgate masks its own outputs).
  const named = [settings.config.alerts.webhookEnv, settings.config.export.otlp?.headersEnv].map((n) =>
    n ? process.env[n] : undefined,
  );
  for (const secret of maskableSecrets([...named, ...collectSecrets(settings, process.env)])) core.setSecret(secret);
  const deps = runDeps(inputs, settings, signal);
  return inputs.mode === 'ab'
    ? // The A/B takes its gates from the base checkout itself: the head's changes to them are listed, never applied.
      await runAbMode(inputs, settingsAtHead, deps)
    : await executeRun(
        {
          settings,
          outDir: inputs.outDir,
          context: { git: gitContext(process.env, settings.dir), runner: runnerContext(process.env) },
          notices: review.notices,
          reviewProblems: review.problems,
          baseline: store ? { store, baseRef } : undefined,
          only: inputs.profiles.length ? inputs.profiles : undefined,
        },
        deps,
      );
}

/** What the run's stages get from the runner: its logger, masking of learnt secrets, and publishing to GitHub. */
function runDeps(inputs: ActionSettings, settings: Settings, signal: AbortSignal) {
  return {
    logger: actionLogger,
    loadRunner: createLoadRunner(settings.config.engine),
    startSut,
    env: process.env,
    signal,
    // A token captured by a setup request: the runner masks it in the job's log too.
    onSecret: (value: string) => {
      for (const secret of maskableSecrets([value])) core.setSecret(secret);
    },
    // A failure to publish becomes a notice in the result, never a changed verdict.
    publish: (r: RunResult) =>
      publishToGitHub(r, {
        token: inputs.githubToken,
        env: process.env,
        report: settings.config.report,
        alerts: settings.config.alerts,
        logger: actionLogger,
        commentPolicy: inputs.comment,
      }),
  };
}
