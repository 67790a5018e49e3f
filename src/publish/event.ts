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
  /** The commit the pull request merges into (`pull_request.base.sha`: the base repository's). */
  baseSha: string | undefined;
  /** The branch the pull request merges into (`pull_request.base.ref`, or GITHUB_BASE_REF). */
  baseRef: string | undefined;
  /** GITHUB_SHA: under pull_request_target and workflow_run, the base or default branch's last commit. */
  eventSha: string | undefined;
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
  const pr = payload.pull_request as
    { number?: number; head?: { sha?: string }; base?: { sha?: string; ref?: string } } | undefined;
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
    baseSha: pr?.base?.sha,
    baseRef: pr?.base?.ref ?? (env.GITHUB_BASE_REF || undefined),
    eventSha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    runUrl:
      env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined,
  };
}

/** Events whose token can write to the base repository while the code may come from a fork. */
const PRIVILEGED_EVENTS = new Set(['pull_request_target', 'workflow_run']);

/** What the edge found out about the working directory with git. */
export interface CheckoutState {
  /** HEAD, or undefined when the folder is not a git checkout. */
  sha: string | undefined;
  /**
   * Whether HEAD is in the history of one of `trustedRefs(event)`: undefined when git could not
   * tell (a shallow clone, or none of those commits fetched).
   */
  inTrustedHistory: boolean | undefined;
}

/**
 * The commits whose history is the base repository's own code: the PR's base commit and
 * GITHUB_SHA (the tip of the base branch under pull_request_target, of the default branch under
 * workflow_run). SHAs from the event, never branch names: `origin/main` is whatever the checked-out
 * remote says, and a workflow that checks out the fork makes that the PR author's branch.
 */
export function trustedRefs(event: RunEvent): string[] {
  return [...new Set([event.baseSha, event.eventSha].filter((r): r is string => !!r))];
}

/**
 * perfgate runs the code it tests. Under a privileged event (a write token), the checkout must
 * be the base repository's code: the base commit, or a commit in the history of the base or
 * default branch. Comparing with the PR's head SHA is not enough: the common pattern checks out
 * `refs/pull/N/merge`, whose SHA is neither, and which holds the PR author's code.
 */
export function untrustedCheckoutProblem(
  event: RunEvent,
  checkout: CheckoutState,
  optedIn: boolean,
): string | undefined {
  if (!PRIVILEGED_EVENTS.has(event.name) || optedIn) return undefined;
  const { sha } = checkout;
  if (sha && (sha === event.baseSha || sha === event.eventSha)) return undefined;
  if (sha && checkout.inTrustedHistory === true) return undefined;
  const why =
    `this is a ${event.name} run, which has a write token, and perfgate boots the checked-out code. ` +
    'Run perfgate under "pull_request" and publish with `perfgate publish` from a workflow_run workflow (see docs/publishing.md), ' +
    'or set allow-untrusted-checkout: true if you trust every PR author.';
  const refs = trustedRefs(event).map((r) => r.slice(0, 12));
  const where = refs.length
    ? `the base branch (${refs.join(', ')})`
    : 'the base branch (the event names no base commit)';
  if (!sha)
    return `refusing to boot the SUT: the working directory is not a git checkout, so perfgate cannot tell whose code it is; ${why}`;
  if (checkout.inTrustedHistory === false)
    return `refusing to boot the SUT: the checkout (${sha.slice(0, 12)}) is not the base commit nor in the history of ${where}, so it may hold code from the PR author (e.g. refs/pull/N/merge); ${why}`;
  return (
    `refusing to boot the SUT: git cannot tell whether the checkout (${sha.slice(0, 12)}) is in the history of ${where} ` +
    '(a shallow clone, or those commits were not fetched): check out the base commit, or fetch the history with actions/checkout `fetch-depth: 0`; ' +
    why
  );
}
