/**
 * The A/B's base checkout, as the action makes it: which commit (the `base-ref` input, or the merge
 * base of the pull request's base SHA from the event payload and the checked-out head), fetched when the
 * checkout lacks it (actions/checkout clones at depth 1 by default), and checked out into a
 * temporary `git worktree` that is removed afterwards, also on failure and cancellation.
 * Only git is asked; nothing here runs the checkout's code.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { RunEvent } from '../publish/event.js';
import type { BaseIdentity } from '../run/ab.js';

/** A fetch may move a large history: bounded, like everything else (README: Safety). */
const GIT_TIMEOUT_MS = 5 * 60_000;
/** History depths tried, in turn, to find the merge base in a shallow clone before fetching all of it. */
const DEEPEN_STEPS = [50, 500];

interface GitOutcome {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function git(cwd: string, args: string[]): Promise<GitOutcome> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      // No prompt for credentials: a fetch that needs them fails with a message instead of hanging.
      { cwd, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) => resolve({ ok: !error, stdout: String(stdout).trim(), stderr: String(stderr).trim() }),
    );
  });
}

const FETCH_HINT = 'set `fetch-depth: 0` on actions/checkout so that the base is in the checkout';

/** The repository's top folder; a ConfigError when `cwd` is not in a git checkout. */
export async function checkoutRoot(cwd: string): Promise<string> {
  const top = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok)
    throw new ConfigError(
      `input mode: "ab" needs a git checkout, and ${cwd} is not in one (${top.stderr || 'git rev-parse failed'}); run actions/checkout first`,
    );
  return top.stdout;
}

async function hasCommit(root: string, rev: string): Promise<string | undefined> {
  const r = await git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return r.ok && r.stdout ? r.stdout : undefined;
}

async function fetchFromOrigin(root: string, args: string[], logger: Logger): Promise<GitOutcome> {
  logger.info(`git fetch --no-tags origin ${args.join(' ')}`);
  return git(root, ['fetch', '--no-tags', '--quiet', 'origin', ...args]);
}

/**
 * Which commit is the base: `baseRef` (a branch, tag or SHA; fetched at depth 1 when missing),
 * or, on a pull request, the merge base of its base SHA and the checked-out head (history
 * deepened as needed).
 */
export async function resolveBase(
  root: string,
  event: RunEvent,
  baseRef: string | undefined,
  logger: Logger,
): Promise<BaseIdentity & { sha: string }> {
  if (baseRef !== undefined) {
    const local = (await hasCommit(root, baseRef)) ?? (await hasCommit(root, `origin/${baseRef}`));
    if (local) return { sha: local, ref: baseRef, how: 'the base-ref input' };
    const fetched = await fetchFromOrigin(root, ['--depth=1', baseRef], logger);
    const sha = fetched.ok ? await hasCommit(root, 'FETCH_HEAD') : undefined;
    if (!sha)
      throw new ConfigError(
        `input base-ref: ${JSON.stringify(baseRef)} is not a commit of this checkout and could not be fetched from origin (${fetched.stderr || 'not found'}); expected a branch, tag or SHA of the repository`,
      );
    return { sha, ref: baseRef, how: 'the base-ref input' };
  }
  if (!event.baseSha)
    throw new ConfigError(
      `input mode: "ab" needs a base: on a pull_request event it is the merge base of the pull request, but this ${event.name || 'unknown'} event names no pull request base; set the base-ref input (a branch, tag or SHA)`,
    );
  const { baseSha } = event;
  // The head is what is checked out: the pull request's head, or (actions/checkout's default on
  // pull_request) the merge commit of head into base, whose merge base with the base is the base
  // itself, so that changes on the base branch since the fork are not counted as the PR's.
  const headSha = (await hasCommit(root, 'HEAD')) ?? event.headSha;
  if (!headSha) throw new ConfigError(`mode ab: ${root} has no commit checked out`);
  for (const sha of [baseSha, headSha]) {
    if (await hasCommit(root, sha)) continue;
    const fetched = await fetchFromOrigin(root, ['--depth=1', sha], logger);
    if (!fetched.ok || !(await hasCommit(root, sha)))
      throw new ConfigError(
        `mode ab: commit ${sha.slice(0, 7)} of the pull request is not in this checkout and could not be fetched (${fetched.stderr || 'not found'}); ${FETCH_HINT}`,
      );
  }
  const head = headSha === event.headSha ? 'head' : 'checked-out head';
  const how = `merge base of the pull request's base (${baseSha.slice(0, 7)}) and ${head} (${headSha.slice(0, 7)})`;
  const ref = event.baseRef;
  const identity = (sha: string) => ({ sha, ...(ref ? { ref } : {}), how });
  let found = await mergeBase(root, baseSha, headSha);
  if (found) return identity(found);
  const shallow = (await git(root, ['rev-parse', '--is-shallow-repository'])).stdout === 'true';
  if (shallow) {
    for (const depth of DEEPEN_STEPS) {
      await fetchFromOrigin(root, [`--depth=${depth}`, baseSha, headSha], logger);
      found = await mergeBase(root, baseSha, headSha);
      if (found) return identity(found);
    }
    const all = await fetchFromOrigin(root, ['--unshallow', baseSha, headSha], logger);
    found = await mergeBase(root, baseSha, headSha);
    if (found) return identity(found);
    if (!all.ok)
      throw new ConfigError(
        `mode ab: the checkout is shallow and the history to the merge base could not be fetched (${all.stderr}); ${FETCH_HINT}`,
      );
  }
  throw new ConfigError(
    `mode ab: the pull request's base ${baseSha.slice(0, 7)} and head ${headSha.slice(0, 7)} have no common commit; set the base-ref input`,
  );
}

async function mergeBase(root: string, a: string, b: string): Promise<string | undefined> {
  const r = await git(root, ['merge-base', a, b]);
  return r.ok && r.stdout ? r.stdout : undefined;
}

export interface Worktree {
  dir: string;
  remove(): Promise<void>;
}

/** The commit checked out, detached, in a new folder under `parent` (RUNNER_TEMP); remove() deletes it and git's record of it. */
export async function addWorktree(root: string, sha: string, parent = os.tmpdir()): Promise<Worktree> {
  const dir = path.join(parent, `perfgate-base-${randomBytes(4).toString('hex')}`);
  const added = await git(root, ['worktree', 'add', '--detach', '--force', dir, sha]);
  if (!added.ok)
    throw new ConfigError(`mode ab: could not check out the base ${sha.slice(0, 7)} into ${dir}: ${added.stderr}`);
  let removed = false;
  return {
    dir,
    async remove() {
      if (removed) return;
      removed = true;
      await git(root, ['worktree', 'remove', '--force', dir]);
      // What git could not remove (files the SUT wrote as another user, a crash mid-way) goes too.
      await rm(dir, { recursive: true, force: true });
      await git(root, ['worktree', 'prune']);
    },
  };
}
