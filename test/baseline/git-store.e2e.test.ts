import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../helpers/git.js';
import { createGitStore } from '../../src/baseline/git-store.js';
import { DataError } from '../../src/errors.js';
import { resultWith } from '../helpers/results.js';

let root: string;
let cloneA: string;
let cloneB: string;
let origin: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'perfgate-gitstore-'));
  origin = path.join(root, 'origin.git');
  git(root, 'init', '--quiet', '--bare', '-b', 'main', origin);
  const seed = path.join(root, 'seed');
  git(root, 'clone', '--quiet', origin, seed);
  git(seed, 'commit', '--quiet', '--allow-empty', '-m', 'init');
  git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
  cloneA = path.join(root, 'a');
  cloneB = path.join(root, 'b');
  git(root, 'clone', '--quiet', origin, cloneA);
  git(root, 'clone', '--quiet', origin, cloneB);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const entry = (sha: string) => ({
  sha,
  branch: 'main',
  savedAt: new Date().toISOString(),
  event: 'push',
  result: resultWith({ p50: 4, rps: 1000 }, { sha }),
});
const store = (repoDir: string) =>
  createGitStore({ repoDir, branch: 'perfgate-data', path: 'baselines', backoffMs: 20, env: process.env });

describe('git data-branch baseline store', () => {
  it('pushes a baseline from one clone that another clone reads, without touching HEAD, index or work tree', async () => {
    const head = git(cloneA, 'rev-parse', 'HEAD');
    expect(await store(cloneB).history('main')).toEqual([]);
    await store(cloneA).save(entry('1'.repeat(40)), 10);
    expect((await store(cloneB).history('main')).map((e) => e.sha)).toEqual(['1'.repeat(40)]);
    expect(await store(cloneB).branches()).toEqual(['main']);
    expect(git(cloneA, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(cloneA, 'status', '--porcelain')).toBe('');
    expect(git(cloneA, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git(origin, 'log', '--format=%s', 'perfgate-data')).toMatch(/perfgate: baseline of main at 111111111111/);
  });

  it('re-fetches and retries a push that lost the race, keeping both entries', async () => {
    const retries: number[] = [];
    const racing = createGitStore({
      repoDir: cloneA,
      branch: 'perfgate-data',
      path: 'baselines',
      backoffMs: 10,
      env: process.env,
      // Before A's first push, B pushes: A's commit is on a stale tip and is rejected.
      beforePush: async (attempt) => (attempt === 1 ? store(cloneB).save(entry('7'.repeat(40)), 10) : undefined),
      onRetry: (a) => retries.push(a),
    });
    await racing.save(entry('8'.repeat(40)), 10);
    expect(retries).toEqual([1]);
    expect((await store(cloneB).history('main')).map((e) => e.sha[0])).toEqual(['1', '7', '8']);
  });

  it('keeps every entry when savers in two clones push at the same time', async () => {
    await Promise.all([
      store(cloneA).save(entry('2'.repeat(40)), 10),
      store(cloneB).save(entry('3'.repeat(40)), 10),
      store(cloneA).save(entry('4'.repeat(40)), 10),
    ]);
    const shas = (await store(cloneB).history('main')).map((e) => e.sha[0]).sort();
    expect(shas).toEqual(['1', '2', '3', '4', '7', '8']);
  });

  it('fails closed on a corrupt file on the data branch and pushes nothing over it', async () => {
    const work = path.join(root, 'corrupt');
    git(root, 'clone', '--quiet', '--branch', 'perfgate-data', origin, work);
    execFileSync('sh', ['-c', 'printf "{not json" > baselines/main.json'], { cwd: work });
    git(work, 'commit', '--quiet', '-am', 'break it');
    git(work, 'push', '--quiet', 'origin', 'HEAD:perfgate-data');
    const before = git(origin, 'rev-parse', 'perfgate-data');
    await expect(store(cloneA).history('main')).rejects.toThrow(DataError);
    await expect(store(cloneA).save(entry('5'.repeat(40)), 10)).rejects.toThrow(
      /perfgate-data:baselines\/main\.json \(git store\): the baseline file is not valid JSON/,
    );
    expect(git(origin, 'rev-parse', 'perfgate-data')).toBe(before);
  });

  it('works on a repository without a remote by updating the local branch', async () => {
    const local = path.join(root, 'local');
    git(root, 'init', '--quiet', '-b', 'main', local);
    git(local, 'commit', '--quiet', '--allow-empty', '-m', 'init');
    await store(local).save(entry('6'.repeat(40)), 10);
    expect((await store(local).history('main')).map((e) => e.sha[0])).toEqual(['6']);
    expect(git(local, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
  });
});

describe('git store errors', () => {
  it('reports an unreachable remote as a DataError instead of an empty history', async () => {
    const lost = path.join(root, 'lost');
    git(root, 'init', '--quiet', '-b', 'main', lost);
    git(lost, 'remote', 'add', 'origin', path.join(root, 'does-not-exist.git'));
    await expect(store(lost).history('main')).rejects.toThrow(
      /git store: cannot read the data branch perfgate-data from origin/,
    );
  });
});
