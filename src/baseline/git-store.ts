/**
 * Baselines on a data branch of the repository itself (like gh-pages data), written with git
 * plumbing so that the checkout's HEAD, index and work tree are never touched: the new file is
 * hashed into a blob, a tree is built in a private index file on top of the branch's tip, a
 * commit is made on that tip and pushed. A push that loses a race (another job pushed first) is
 * retried after re-fetching and re-applying the entry to the new tip, with jittered exponential
 * backoff — rebuilding on the tip instead of a textual rebase, so concurrent savers never hit
 * a merge conflict in the history file.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DataError } from '../errors.js';
import {
  branchOfFileName,
  fileNameOf,
  parseBaselineFile,
  serializeBaselineFile,
  withEntry,
  type BaselineEntry,
} from './format.js';
import type { BaselineStore } from './types.js';

const run = promisify(execFile);

export interface GitStoreOptions {
  /** A folder inside the repository (any checkout of it). */
  repoDir: string;
  branch: string;
  /** Folder inside the data branch. */
  path: string;
  remote?: string;
  attempts?: number;
  /** First backoff in ms; doubles per attempt, times a random factor in [0.5, 1.5). */
  backoffMs?: number;
  /** The environment git runs in (HOME for its config, PATH), read at the front door. */
  env: NodeJS.ProcessEnv;
  /** Called before each push attempt (tests use it to lose a race on purpose). */
  beforePush?: (attempt: number) => Promise<void>;
  /** Called when a push lost the race and is retried. */
  onRetry?: (attempt: number) => void;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'perfgate',
  GIT_AUTHOR_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
  GIT_COMMITTER_NAME: 'perfgate',
  GIT_COMMITTER_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
};

type Git = (args: string[], env?: Record<string, string>, input?: string) => Promise<string>;

/** What every step needs: git in the repository, and where the data branch lives. */
interface DataBranch {
  git: Git;
  options: GitStoreOptions;
  remote: string;
  /** The private ref the data branch is fetched into, so that no local branch moves. */
  trackingRef: string;
}

export function createGitStore(options: GitStoreOptions): BaselineStore {
  const data: DataBranch = {
    git: gitIn(options),
    options,
    remote: options.remote ?? 'origin',
    trackingRef: `refs/perfgate/${options.branch}`,
  };
  return {
    description: `git branch ${options.branch} (${options.path})`,
    async history(branch) {
      return (await readBaselineAt(data, await fetchTip(data), branch))?.entries ?? [];
    },
    async branches() {
      return listStoredBranches(data);
    },
    async save(entry: BaselineEntry, keep: number) {
      return saveWithRetries(data, entry, keep);
    },
  };
}

/** Runs git in the repository with the front door's environment (plus `env`); `input` goes to its stdin. */
function gitIn(options: GitStoreOptions): Git {
  return async (args, env = {}, input) => {
    const child = run('git', args, {
      cwd: options.repoDir,
      env: { ...options.env, ...env },
      maxBuffer: 256 * 1024 * 1024,
      timeout: 60_000,
    });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return (await child).stdout;
  };
}

/** The trimmed output, or undefined when git fails (a missing ref or path is an answer here, not an error). */
function tryGit(git: Git, args: string[]): Promise<string | undefined> {
  return git(args).then(
    (s) => s.trim(),
    () => undefined,
  );
}

async function hasRemote(data: DataBranch): Promise<boolean> {
  return (await tryGit(data.git, ['remote', 'get-url', data.remote])) !== undefined;
}

/** Fetch the data branch into a private ref; the tip commit, or undefined when the branch does not exist yet. */
async function fetchTip(data: DataBranch): Promise<string | undefined> {
  const { git, options, remote, trackingRef } = data;
  if (!(await hasRemote(data)))
    return tryGit(git, ['rev-parse', '--verify', '--quiet', `refs/heads/${options.branch}`]);
  try {
    await git(['ls-remote', '--exit-code', '--heads', remote, options.branch]);
  } catch (e) {
    // Exit code 2: the remote answered and has no such branch yet. Anything else is unreachable.
    if ((e as { code?: unknown }).code === 2) return undefined;
    throw unreadableBranch(e, data);
  }
  await git(['fetch', '--quiet', '--no-tags', remote, `+refs/heads/${options.branch}:${trackingRef}`]);
  return tryGit(git, ['rev-parse', '--verify', '--quiet', trackingRef]);
}

function unreadableBranch(e: unknown, { options, remote }: DataBranch): DataError {
  return new DataError(
    `git store: cannot read the data branch ${options.branch} from ${remote}: ${String(
      (e as { stderr?: string }).stderr ?? (e as Error).message,
    )
      .trim()
      .split('\n')
      .slice(-2)
      .join(' ')}`,
  );
}

/** Where a branch's history file lives inside the data branch. */
function historyFileOf(options: GitStoreOptions, branch: string): string {
  return path.posix.join(options.path, fileNameOf(branch));
}

async function readBaselineAt(data: DataBranch, tip: string | undefined, branch: string) {
  if (!tip) return undefined;
  const file = historyFileOf(data.options, branch);
  const text = await tryGitRaw(data.git, ['show', `${tip}:${file}`]);
  return text === undefined ? undefined : parseBaselineFile(text, `${data.options.branch}:${file} (git store)`);
}

async function listStoredBranches(data: DataBranch): Promise<string[]> {
  const tip = await fetchTip(data);
  if (!tip) return [];
  const names = (await tryGit(data.git, ['ls-tree', '--name-only', `${tip}:${data.options.path}`])) ?? '';
  return names
    .split('\n')
    .map(branchOfFileName)
    .filter((b): b is string => b !== undefined)
    .sort();
}

/** Rebuild the entry on the newest tip and push it, until a push wins the race or the attempts run out. */
async function saveWithRetries(data: DataBranch, entry: BaselineEntry, keep: number): Promise<void> {
  const { options } = data;
  const attempts = options.attempts ?? 6;
  const backoff = options.backoffMs ?? 250;
  const pushing = await hasRemote(data);
  for (let attempt = 1; ; attempt++) {
    let tip: string | undefined;
    try {
      tip = await fetchTip(data);
    } catch (e) {
      // Two savers in one clone can collide on the private ref: that is a lost race too.
      if (!isPrivateRefCollision(e) || attempt >= attempts) throw e;
      options.onRetry?.(attempt);
      await waitBeforeRetry(backoff, attempt);
      continue;
    }
    const commit = await commitEntryOnTip(data, tip, entry, keep);
    await options.beforePush?.(attempt);
    if (await moveBranchTo(data, pushing, commit, tip)) return;
    options.onRetry?.(attempt);
    if (attempt >= attempts)
      throw new DataError(
        `git store: pushing the baseline to ${options.branch} lost the race ${attempts} times in a row (other jobs kept pushing); try again later`,
      );
    await waitBeforeRetry(backoff, attempt);
  }
}

function isPrivateRefCollision(e: unknown): boolean {
  return /cannot lock ref|unable to update local ref/i.test(String((e as { stderr?: string }).stderr ?? e));
}

/** Exponential backoff with jitter, so that savers that collided do not collide again in step. */
function waitBeforeRetry(backoffMs: number, attempt: number): Promise<unknown> {
  return new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random())));
}

/** A commit on `tip` whose history file has `entry` added; the file's current content is read from `tip`. */
async function commitEntryOnTip(
  data: DataBranch,
  tip: string | undefined,
  entry: BaselineEntry,
  keep: number,
): Promise<string> {
  const current = await readBaselineAt(data, tip, entry.branch); // corrupt data throws: never overwritten
  const blob = (
    await data.git(['hash-object', '-w', '--stdin'], {}, serializeBaselineFile(withEntry(current, entry, keep)))
  ).trim();
  const message = `perfgate: baseline of ${entry.branch} at ${entry.sha.slice(0, 12)}`;
  return commitFileOnTip(data.git, tip, historyFileOf(data.options, entry.branch), blob, message);
}

/** Builds the tree in a private index file, so that the checkout's HEAD, index and work tree are never touched. */
async function commitFileOnTip(
  git: Git,
  tip: string | undefined,
  file: string,
  blob: string,
  message: string,
): Promise<string> {
  const indexDir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-index-'));
  try {
    const env = { GIT_INDEX_FILE: path.join(indexDir, 'index') };
    if (tip) await git(['read-tree', tip], env);
    await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], env);
    const tree = (await git(['write-tree'], env)).trim();
    return (await git(['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-m', message], IDENTITY)).trim();
  } finally {
    await rm(indexDir, { recursive: true, force: true });
  }
}

/**
 * Moves the data branch from `tip` to `commit`: a push when there is a remote, else a local
 * update-ref that only succeeds if the branch is still at `tip`. false when another saver won.
 */
async function moveBranchTo(data: DataBranch, pushing: boolean, commit: string, tip: string | undefined) {
  const { git, options, remote } = data;
  return pushing
    ? await git(['push', '--quiet', remote, `${commit}:refs/heads/${options.branch}`]).then(
        () => true,
        (e: Error & { stderr?: string }) => rejection(e),
      )
    : await git(['update-ref', `refs/heads/${options.branch}`, commit, tip ?? '']).then(
        () => true,
        () => false,
      );
}

/** A rejected push (someone else pushed first) is retried; anything else (auth, network) is an error. */
function rejection(e: Error & { stderr?: string }): false {
  const text = e.stderr ?? e.message;
  if (/rejected|non-fast-forward|fetch first|failed to update ref|cannot lock ref/i.test(text)) return false;
  throw new DataError(
    `git store: pushing the baseline failed: ${text.trim().split('\n').slice(-3).join(' ')}; check that the workflow has "contents: write" permission`,
  );
}

async function tryGitRaw(git: (args: string[]) => Promise<string>, args: string[]): Promise<string | undefined> {
  try {
    return await git(args);
  } catch {
    return undefined;
  }
}
