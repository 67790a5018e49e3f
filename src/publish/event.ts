/**
 * What the workflow run is about, from the runner's environment and event payload: the
 * repository, the pull request and its head SHA, whether the event is trusted to write.
 */
import { readFileSync } from 'node:fs';

export interface RunEvent {
  name: string;
  owner: string | undefined;
  repo: string | undefined;
  /** The pull request this run reports on, if any. */
  pullNumber: number | undefined;
  /** Head SHA of that pull request (or the pushed commit). */
  headSha: string | undefined;
  /** The default branch, when the payload says. */
  defaultBranch: string | undefined;
  ref: string | undefined;
  /** Link to this workflow run (its artifacts). */
  runUrl: string | undefined;
}

export function readRunEvent(env: NodeJS.ProcessEnv): RunEvent {
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
    } catch {
      payload = {};
    }
  }
  const pr = payload.pull_request as { number?: number; head?: { sha?: string } } | undefined;
  const run = payload.workflow_run as { head_sha?: string; pull_requests?: { number?: number }[] } | undefined;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  return {
    name: env.GITHUB_EVENT_NAME ?? '',
    owner: owner || undefined,
    repo: repo || undefined,
    pullNumber: pr?.number ?? run?.pull_requests?.[0]?.number ?? (payload.number as number | undefined),
    headSha: pr?.head?.sha ?? run?.head_sha ?? env.GITHUB_SHA,
    defaultBranch: (payload.repository as { default_branch?: string } | undefined)?.default_branch,
    ref: env.GITHUB_REF,
    runUrl:
      env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined,
  };
}

/** Events whose token can write to the base repository while the code may come from a fork. */
const PRIVILEGED_EVENTS = new Set(['pull_request_target', 'workflow_run']);

/**
 * perfgate runs the code it tests. Under a privileged event, booting a checkout of the PR's head
 * would run untrusted code with a write token (a "pwn request"): refuse unless the user opted in.
 */
export function untrustedCheckoutProblem(
  event: RunEvent,
  checkedOutSha: string | undefined,
  optedIn: boolean,
): string | undefined {
  if (!PRIVILEGED_EVENTS.has(event.name) || optedIn) return undefined;
  if (!checkedOutSha || !event.headSha || checkedOutSha !== event.headSha) return undefined;
  return (
    `refusing to boot the SUT: this is a ${event.name} run, which has a write token, and the checkout is the pull request's head ` +
    `(${event.headSha.slice(0, 12)}), i.e. code from the PR author. Run perfgate under "pull_request" and publish with ` +
    '`perfgate publish` from a workflow_run workflow (see docs/publishing.md), or set allow-untrusted-checkout: true if you trust every PR author.'
  );
}
