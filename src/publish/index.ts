/**
 * Publishing a result to GitHub: the sticky PR comment, alert issues for scheduled runs, and the
 * webhook. A failure to publish never changes the performance verdict: it becomes a notice (and
 * a warning in the log), and the report is still in the job summary and the output folder.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { RunResult } from '../model/result.js';
import { planComment } from '../report/size.js';
import { syncAlertIssues, sendWebhook } from './alerts.js';
import { createGitHubClient, isReadOnlyTokenError, type RetryPolicy } from './client.js';
import { commentMarker, upsertStickyComment, type UpsertOutcome } from './comment.js';
import { readRunEvent, type RunEvent } from './event.js';

/** Endpoint rows per profile in the PR comment, busiest first. */
const COMMENT_ENDPOINTS = 5;

export interface PublishOptions {
  token: string | undefined;
  env: NodeJS.ProcessEnv;
  report: Config['report'];
  alerts: Config['alerts'];
  logger: Logger;
  /**
   * When to comment (the action's `comment` input): `always`; `on-change` posts only when a
   * metric moved (a regression or an improvement) or the run did not pass; `on-failure` only for a failed or errored
   * run; `never`. Without a new comment, an existing sticky one is still updated, so it never
   * shows a stale verdict.
   */
  commentPolicy?: CommentPolicy | undefined;
  /** Overrides the PR found in the event (perfgate publish --pr). */
  pullNumber?: number;
  retry?: RetryPolicy;
}

export const COMMENT_POLICIES = ['always', 'on-change', 'on-failure', 'never'] as const;
export type CommentPolicy = (typeof COMMENT_POLICIES)[number];

/** Why a run under `policy` posts no new comment; undefined when it does. */
export function commentWithheld(result: RunResult, policy: CommentPolicy): string | undefined {
  const failed = result.status === 'fail' || result.status === 'error';
  if (policy === 'always' || failed) return undefined;
  if (policy === 'on-failure') return `comment: on-failure and the run is ${result.status}: no new comment posted`;
  if (policy === 'on-change') {
    // A change is a metric that moved (regression or improvement) or a run that did not pass; an
    // ungated p99 whose interval is wide is `inconclusive` in most runs and is not news.
    const changed =
      result.status !== 'pass' ||
      (result.comparison?.metrics ?? []).some((m) => m.verdict === 'regression' || m.verdict === 'improvement');
    return changed ? undefined : 'comment: on-change and no metric changed: no new comment posted';
  }
  return 'comment: never';
}

export interface PublishOutcome {
  comment?: UpsertOutcome;
  commentBody?: string;
  notices: string[];
}

export const FORK_NOTICE =
  'the PR comment was not posted: this token is read-only (a pull request from a fork). The report is in the job summary and the output folder; to comment on fork PRs, upload the output folder as an artifact and post it from a workflow_run workflow with `perfgate publish` (see docs/publishing.md).';

export async function publishToGitHub(result: RunResult, options: PublishOptions): Promise<PublishOutcome> {
  const event = readRunEvent(options.env);
  const notices: string[] = [];
  const out: PublishOutcome = { notices };
  const pullNumber = options.pullNumber ?? event.pullNumber;
  if (!options.token) {
    if (pullNumber) notices.push('no github-token: the PR comment was not posted');
    return out;
  }
  if (!event.owner || !event.repo) {
    notices.push('GITHUB_REPOSITORY is not set: nothing was published to GitHub');
    return out;
  }
  const client = createGitHubClient(options.token, options.env, options.retry);
  const warn = (what: string, e: unknown) => {
    const msg = `${what} failed: ${httpText(e)}`;
    options.logger.warn(msg);
    notices.push(msg);
  };

  const policy = options.commentPolicy ?? 'always';
  if (pullNumber && options.report.comment && policy !== 'never') {
    const planned = planComment(result, {
      marker: commentMarker(options.report.id),
      // The comment shows each profile's busiest endpoints; report.md and report.html show all.
      maxEndpoints: COMMENT_ENDPOINTS,
      ...(event.runUrl ? { artifactsUrl: event.runUrl } : {}),
    });
    out.commentBody = planned.body;
    try {
      out.comment = await upsertStickyComment(client, {
        owner: event.owner,
        repo: event.repo,
        issueNumber: pullNumber,
        body: planned.body,
        id: options.report.id,
        headSha: event.headSha,
        onlyUpdate: commentWithheld(result, policy),
      });
      options.logger.info(
        out.comment.action === 'skipped'
          ? `PR comment left as it is: ${out.comment.reason}`
          : `PR comment ${out.comment.action}: ${out.comment.url}`,
      );
    } catch (e) {
      if (isReadOnlyTokenError(e)) {
        options.logger.warn(FORK_NOTICE);
        notices.push(FORK_NOTICE);
      } else warn('posting the PR comment', e);
    }
  }
  if (event.name === 'schedule' && options.alerts.issues) {
    try {
      const a = await syncAlertIssues(client, result, {
        owner: event.owner,
        repo: event.repo,
        labels: options.alerts.labels,
        runUrl: event.runUrl,
        sha: event.headSha,
      });
      if (a.opened.length + a.updated.length + a.closed.length)
        options.logger.info(
          `alert issues: opened ${a.opened.join(', ') || 'none'}, updated ${a.updated.join(', ') || 'none'}, closed ${a.closed.join(', ') || 'none'}`,
        );
    } catch (e) {
      warn('syncing the alert issues', e);
    }
  }
  await sendWebhookIfConfigured(result, options, event, warn);
  return out;
}

async function sendWebhookIfConfigured(
  result: RunResult,
  options: PublishOptions,
  event: RunEvent,
  warn: (what: string, e: unknown) => void,
): Promise<void> {
  const name = options.alerts.webhookEnv;
  const url = name ? options.env[name] : undefined;
  if (!name || !url) return;
  try {
    await sendWebhook(url, result, event.runUrl);
  } catch (e) {
    warn(`the webhook in $${name}`, e);
  }
}

function httpText(e: unknown): string {
  const err = e as { status?: number; message?: string };
  return err.status ? `HTTP ${err.status}: ${err.message ?? ''}` : (err.message ?? String(e));
}
