/**
 * What the runner shows of a finished run: the step's outputs, the job summary, annotations, and
 * the step's outcome (the one setFailed of a run that measured something).
 */
import path from 'node:path';
import * as core from '@actions/core';
import type { RunResult } from '../model/result.js';
import type { PublishOutcome } from '../publish/index.js';
import { planComment, SUMMARY_LIMIT_BYTES, utf8Bytes } from '../report/size.js';
import type { RunOutputs } from '../report/write.js';
import { digestComparison } from '../compare/digest.js';
import type { FailOn } from './inputs.js';

/**
 * Whether the step turns red under the `fail-on` input: `any` on a fail (today's default),
 * `regression` only on a regression past a gate, `slo` only on a profile's missed SLO, `none`
 * never. A run that could not measure (`error`) is red unless `none`; `inconclusive` never is.
 */
export function failsStep(result: RunResult, failOn: FailOn, regressions: number): boolean {
  if (failOn === 'none') return false;
  if (result.status === 'error') return true;
  if (result.status !== 'fail') return false;
  if (failOn === 'regression') return regressions > 0;
  if (failOn === 'slo') return result.profiles.some((p) => p.status === 'fail');
  return true;
}

export async function reportToRunner(
  result: RunResult,
  outputs: RunOutputs,
  published: PublishOutcome | undefined,
  outDir: string,
  failOn: FailOn = 'any',
): Promise<void> {
  const digest = digestComparison(result);
  core.setOutput('status', result.status);
  core.setOutput('regressions', String(digest.regressions));
  core.setOutput('summary', digest.summary);
  if (digest.mde !== undefined) core.setOutput('mde', `${(digest.mde * 100).toFixed(1)}%`);
  core.setOutput('result-path', outputs.resultPath);
  core.setOutput('report-path', outputs.reportPath);
  if (outputs.htmlPath) core.setOutput('html-path', outputs.htmlPath);
  if (published?.comment && 'url' in published.comment) core.setOutput('comment-url', published.comment.url);
  // The job summary holds 1 MiB: a larger report is rebuilt with less detail (never cut), the full one stays in the output folder.
  const hint = `The full report is ${path.basename(outputs.reportPath)} and report.html in ${outDir} (upload it with actions/upload-artifact).`;
  const summary = planComment(result, { fullReportHint: hint }, SUMMARY_LIMIT_BYTES, utf8Bytes);
  await core.summary.addRaw(summary.level === 'full' ? outputs.markdown : summary.body).write();
  // Annotations: GitHub shows 10 errors per step, so one per failed profile, the first ten.
  for (const p of result.profiles.filter((x) => x.status === 'fail' || x.status === 'error').slice(0, 10)) {
    core.error(p.reasons.join('\n') || p.status, {
      title: `perfgate: ${p.name} ${p.status === 'fail' ? 'failed its gate' : 'could not run'}`,
    });
  }
  // Gates and SLOs at `level: warn`: a warning annotation each (GitHub shows ten per step), never a failure.
  for (const w of result.warnings.slice(0, 10)) core.warning(w, { title: 'perfgate: warning (level: warn)' });
  if (result.sut.logTail && result.status === 'error')
    core.error(`last lines of the SUT's output:\n${result.sut.logTail}`);
  const verdict = `perfgate: ${result.status}${result.reasons.length ? ` — ${result.reasons.slice(0, 3).join('; ')}` : ''}`;
  if (failsStep(result, failOn, digest.regressions)) core.setFailed(verdict);
  else if (result.status === 'inconclusive') core.warning(`perfgate: inconclusive — ${result.reasons.join('; ')}`);
  else if (result.status !== 'pass') core.warning(`${verdict} (not failing the step: fail-on is ${failOn})`);
}
