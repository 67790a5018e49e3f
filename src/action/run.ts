/**
 * The GitHub Action front door: settle the inputs, run the same pipeline as the CLI, write the
 * outputs and the job summary, publish, and only then decide the step's outcome (one setFailed).
 */
import { exportResult } from '../export/index.js';
import * as core from '@actions/core';
import { readActionSettings } from './inputs.js';
import { loadSettings } from '../config/load.js';
import { exitCodeOf, SutError } from '../errors.js';
import { exitCodeForStatus } from '../verdict/status.js';
import { gitContext, runnerContext } from '../run/context.js';
import { createLoadRunner } from '../load/index.js';
import { createMonitorObservers } from '../monitor/observer.js';
import type { Logger } from '../log/logger.js';
import { writeRunOutputs } from '../report/write.js';
import { runPipeline } from '../run/profiles.js';
import { reviewAgainstRef } from '../compare/review.js';
import { startSut } from '../sut/index.js';
import { openBaselineStore } from '../baseline/index.js';
import { runBaselineStage } from '../baseline/stage.js';
import { actionsCacheTransport } from './cache.js';
import { publishToGitHub } from '../publish/index.js';
import { readRunEvent, untrustedCheckoutProblem } from '../publish/event.js';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { planComment, SUMMARY_LIMIT_BYTES, utf8Bytes } from '../report/size.js';

export const actionLogger: Logger = {
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
  try {
    const inputs = readActionSettings();
    const event = readRunEvent(process.env);
    const refusal = untrustedCheckoutProblem(event, checkedOutSha(inputs.workingDirectory), inputs.allowUntrustedCheckout);
    if (refusal) {
      core.setOutput('status', 'error');
      await core.summary.addRaw(`## 💥 perfgate: refused to run\n\n${refusal}\n`).write();
      core.setFailed(`perfgate: ${refusal}`);
      return;
    }
    // A pull request is gated with its base branch's thresholds when it edits them (listed for review).
    const review = reviewAgainstRef(await loadSettings(inputs.configPath), process.env.GITHUB_BASE_REF || undefined);
    const settings = review.settings;
    const store = inputs.baseline !== undefined ? openBaselineStore(settings, inputs.baseline, inputs.workingDirectory, { cache: actionsCacheTransport(), env: process.env }) : undefined;
    const result = await runPipeline(
      { settings, outDir: inputs.outDir, context: { git: gitContext(process.env, settings.dir), runner: runnerContext(process.env) } },
      { logger: actionLogger, loadRunner: createLoadRunner(), startSut, signal: interrupts.signal, observers: createMonitorObservers(settings, inputs.outDir, actionLogger) },
    );
    result.notices.push(...review.notices);
    if (store) await runBaselineStage(result, settings, { store, baseRef: process.env.GITHUB_BASE_REF || undefined, env: process.env, logger: actionLogger });
    const webhook = settings.config.alerts.webhookEnv ? process.env[settings.config.alerts.webhookEnv] : undefined;
    if (webhook) core.setSecret(webhook);
    const otlpHeaders = settings.config.export.otlp?.headersEnv ? process.env[settings.config.export.otlp.headersEnv] : undefined;
    if (otlpHeaders) core.setSecret(otlpHeaders);
    // Publish first (a failure to publish becomes a notice in the result), then write the record.
    const published = await publishToGitHub(result, { token: inputs.githubToken, env: process.env, report: settings.config.report, alerts: settings.config.alerts, logger: actionLogger });
    result.notices.push(...published.notices);
    await exportResult(result, settings.config, inputs.outDir, actionLogger);
    const outputs = await writeRunOutputs(result, inputs.outDir, { html: settings.config.report.html, ...(settings.config.export.junit ? { junit: settings.config.export.junit } : {}) });
    core.setOutput('status', result.status);
    core.setOutput('result-path', outputs.resultPath);
    core.setOutput('report-path', outputs.reportPath);
    if (outputs.htmlPath) core.setOutput('html-path', outputs.htmlPath);
    // The job summary holds 1 MiB: a larger report is rebuilt with less detail (never cut), the full one stays in the output folder.
    const summary = planComment(result, { fullReportHint: `The full report is ${path.basename(outputs.reportPath)} and report.html in ${inputs.outDir} (upload it with actions/upload-artifact).` }, SUMMARY_LIMIT_BYTES, utf8Bytes);
    await core.summary.addRaw(summary.level === 'full' ? outputs.markdown : summary.body).write();
    if (published.comment && 'url' in published.comment) core.setOutput('comment-url', published.comment.url);
    // Annotations: GitHub shows 10 errors per step, so one per failed profile, the first ten.
    for (const p of result.profiles.filter((x) => x.status === 'fail' || x.status === 'error').slice(0, 10)) {
      core.error(p.reasons.join('\n') || p.status, { title: `perfgate: ${p.name} ${p.status === 'fail' ? 'failed its gate' : 'could not run'}` });
    }
    if (result.sut.logTail && result.status === 'error') core.error(`last lines of the SUT's output:\n${result.sut.logTail}`);
    const code = exitCodeForStatus(result.status);
    if (code !== 0) core.setFailed(`perfgate: ${result.status}${result.reasons.length ? ` — ${result.reasons.slice(0, 3).join('; ')}` : ''}`);
    else if (result.status === 'inconclusive') core.warning(`perfgate: inconclusive — ${result.reasons.join('; ')}`);
  } catch (e) {
    const err = e as Error;
    if (e instanceof SutError && e.logTail) core.error(`last lines of the SUT's output:\n${e.logTail}`);
    core.setOutput('status', 'error');
    core.setFailed(`perfgate: ${err.message} (exit code ${exitCodeOf(e)})`);
  }
}

/** The commit checked out in the working directory (undefined outside a git checkout). */
function checkedOutSha(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
