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

export function createGitStore(options: GitStoreOptions): BaselineStore {
  const remote = options.remote ?? 'origin';
  const attempts = options.attempts ?? 6;
  const backoff = options.backoffMs ?? 250;
  const trackingRef = `refs/perfgate/${options.branch}`;
  const git = async (args: string[], env: Record<string, string> = {}, input?: string): Promise<string> => {
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
  const tryGit = (args: string[]) =>
    git(args).then(
      (s) => s.trim(),
      () => undefined,
    );
  const hasRemote = async () => (await tryGit(['remote', 'get-url', remote])) !== undefined;

  /** Fetch the data branch into a private ref; the tip commit, or undefined when the branch does not exist yet. */
  const fetchTip = async (): Promise<string | undefined> => {
    if (!(await hasRemote())) return tryGit(['rev-parse', '--verify', '--quiet', `refs/heads/${options.branch}`]);
    try {
      await git(['ls-remote', '--exit-code', '--heads', remote, options.branch]);
    } catch (e) {
      // Exit code 2: the remote answered and has no such branch yet. Anything else is unreachable.
      if ((e as { code?: unknown }).code === 2) return undefined;
      throw new DataError(
        `git store: cannot read the data branch ${options.branch} from ${remote}: ${String(
          (e as { stderr?: string }).stderr ?? (e as Error).message,
        )
          .trim()
          .split('\n')
          .slice(-2)
          .join(' ')}`,
      );
    }
    await git(['fetch', '--quiet', '--no-tags', remote, `+refs/heads/${options.branch}:${trackingRef}`]);
    return tryGit(['rev-parse', '--verify', '--quiet', trackingRef]);
  };
  const fileIn = (branch: string) => path.posix.join(options.path, fileNameOf(branch));
  const where = (branch: string) => `${options.branch}:${fileIn(branch)} (git store)`;
  const readAt = async (tip: string | undefined, branch: string) => {
    if (!tip) return undefined;
    const text = await tryGitRaw(git, ['show', `${tip}:${fileIn(branch)}`]);
    return text === undefined ? undefined : parseBaselineFile(text, where(branch));
  };

  return {
    description: `git branch ${options.branch} (${options.path})`,
    async history(branch) {
      return (await readAt(await fetchTip(), branch))?.entries ?? [];
    },
    async branches() {
      const tip = await fetchTip();
      if (!tip) return [];
      const names = (await tryGit(['ls-tree', '--name-only', `${tip}:${options.path}`])) ?? '';
      return names
        .split('\n')
        .map(branchOfFileName)
        .filter((b): b is string => b !== undefined)
        .sort();
    },
    async save(entry: BaselineEntry, keep: number) {
      const pushing = await hasRemote();
      for (let attempt = 1; ; attempt++) {
        let tip: string | undefined;
        try {
          tip = await fetchTip();
        } catch (e) {
          // Two savers in one clone can collide on the private ref: that is a lost race too.
          if (
            !/cannot lock ref|unable to update local ref/i.test(String((e as { stderr?: string }).stderr ?? e)) ||
            attempt >= attempts
          )
            throw e;
          options.onRetry?.(attempt);
          await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1) * (0.5 + Math.random())));
          continue;
        }
        const current = await readAt(tip, entry.branch); // corrupt data throws: never overwritten
        const blob = (
          await git(['hash-object', '-w', '--stdin'], {}, serializeBaselineFile(withEntry(current, entry, keep)))
        ).trim();
        const indexDir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-index-'));
        let commit: string;
        try {
          const env = { GIT_INDEX_FILE: path.join(indexDir, 'index') };
          if (tip) await git(['read-tree', tip], env);
          await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${fileIn(entry.branch)}`], env);
          const tree = (await git(['write-tree'], env)).trim();
          const message = `perfgate: baseline of ${entry.branch} at ${entry.sha.slice(0, 12)}`;
          commit = (await git(['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-m', message], IDENTITY)).trim();
        } finally {
          await rm(indexDir, { recursive: true, force: true });
        }
        await options.beforePush?.(attempt);
        const pushed = pushing
          ? await git(['push', '--quiet', remote, `${commit}:refs/heads/${options.branch}`]).then(
              () => true,
              (e: Error & { stderr?: string }) => rejection(e),
            )
          : await git(['update-ref', `refs/heads/${options.branch}`, commit, tip ?? '']).then(
              () => true,
              () => false,
            );
        if (pushed) return;
        options.onRetry?.(attempt);
        if (attempt >= attempts)
          throw new DataError(
            `git store: pushing the baseline to ${options.branch} lost the race ${attempts} times in a row (other jobs kept pushing); try again later`,
          );
        await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1) * (0.5 + Math.random())));
      }
    },
  };
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
