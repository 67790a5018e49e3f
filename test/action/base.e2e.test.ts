/**
 * Which commit the action's A/B compares with, in real repositories cloned at depth 1 the way
 * actions/checkout clones them: the merge base of the pull request's base and the checked-out
 * head (the PR's head, or the merge commit GitHub makes), fetched and deepened as needed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorktree, resolveBase } from '../../src/action/base.js';
import { silentLogger } from '../../src/log/logger.js';
import type { RunEvent } from '../../src/publish/event.js';
import { git } from '../helpers/git.js';

let dir: string;
let origin: string;
const sha: Record<'fork' | 'base' | 'head' | 'merge', string> = { fork: '', base: '', head: '', merge: '' };

async function commit(repo: string, file: string, text: string, message: string): Promise<string> {
  await writeFile(path.join(repo, file), text);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-base-'));
  const src = path.join(dir, 'src');
  await mkdir(src);
  git(src, 'init', '-q', '-b', 'main');
  await commit(src, 'a.txt', 'fork\n', 'first');
  for (let i = 0; i < 3; i++) await commit(src, 'history.txt', `${i}\n`, `history ${i}`);
  sha.fork = git(src, 'rev-parse', 'HEAD');
  git(src, 'checkout', '-q', '-b', 'pr');
  sha.head = await commit(src, 'pr.txt', 'the change\n', 'the pull request');
  git(src, 'checkout', '-q', 'main');
  sha.base = await commit(src, 'main.txt', 'moved on\n', 'main moved on');
  git(src, 'checkout', '-q', '--detach', 'main');
  git(src, 'merge', '-q', '--no-edit', 'pr');
  sha.merge = git(src, 'rev-parse', 'HEAD');
  git(src, 'update-ref', 'refs/pull/1/merge', sha.merge);
  origin = path.join(dir, 'origin.git');
  git(dir, 'clone', '-q', '--bare', src, origin);
  git(origin, 'update-ref', 'refs/pull/1/merge', sha.merge);
}, 30_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A depth-1 checkout of `ref` as actions/checkout makes it: init, fetch --depth=1, checkout. */
async function checkout(name: string, ref: string): Promise<string> {
  const ws = path.join(dir, name);
  await mkdir(ws);
  git(ws, 'init', '-q');
  git(ws, 'remote', 'add', 'origin', pathToFileURL(origin).href);
  git(ws, 'fetch', '-q', '--no-tags', '--depth=1', 'origin', ref);
  git(ws, 'checkout', '-q', '--detach', 'FETCH_HEAD');
  return ws;
}

const event = (): RunEvent => ({
  name: 'pull_request',
  owner: 'o',
  repo: 'r',
  pullNumber: 1,
  headSha: sha.head,
  defaultBranch: 'main',
  baseSha: sha.base,
  baseRef: 'main',
  eventSha: sha.merge,
  ref: 'refs/pull/1/merge',
  runUrl: undefined,
});

describe('the base of the action A/B', () => {
  it("is the fork point for a checkout of the pull request's head, found by deepening the clone", async () => {
    const ws = await checkout('at-head', sha.head);
    expect(git(ws, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const base = await resolveBase(ws, event(), undefined, silentLogger);
    expect(base).toEqual({
      sha: sha.fork,
      ref: 'main',
      how: `merge base of the pull request's base (${sha.base.slice(0, 7)}) and head (${sha.head.slice(0, 7)})`,
    });
  });

  it("is the base branch's commit for GitHub's merge commit, so main's own changes are not the PR's", async () => {
    const ws = await checkout('at-merge', 'refs/pull/1/merge');
    const base = await resolveBase(ws, event(), undefined, silentLogger);
    expect(base.sha).toBe(sha.base);
    expect(base.how).toMatch(/and checked-out head \(\w{7}\)$/);
  });

  it('is the base-ref input when given, fetched when the clone lacks it', async () => {
    const ws = await checkout('with-ref', sha.head);
    expect(await resolveBase(ws, event(), 'main', silentLogger)).toEqual({
      sha: sha.base,
      ref: 'main',
      how: 'the base-ref input',
    });
    await expect(resolveBase(ws, event(), 'no-such-branch', silentLogger)).rejects.toThrow(
      /^input base-ref: "no-such-branch" is not a commit of this checkout and could not be fetched from origin/,
    );
  });

  it('is checked out in a worktree that remove() deletes with git’s record of it', async () => {
    const ws = await checkout('worktree', sha.head);
    const base = await resolveBase(ws, event(), undefined, silentLogger);
    const tree = await addWorktree(ws, base.sha, dir);
    expect(git(tree.dir, 'rev-parse', 'HEAD')).toBe(sha.fork);
    expect(git(ws, 'worktree', 'list').split('\n')).toHaveLength(2);
    await tree.remove();
    expect(git(ws, 'worktree', 'list').split('\n')).toHaveLength(1);
  });
});
