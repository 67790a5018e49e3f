/**
 * Fault cases of issue 15 that need real processes: the untrusted-checkout guard asking a real
 * git about a merge-commit checkout (case 2), and `perfgate publish` posting a hostile, oversized
 * artifact through the real @actions/github client to the local fake GitHub (cases 3 and 12).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectCheckout } from '../../src/action/checkout.js';
import { publishCommand } from '../../src/commands/publish.js';
import { silentLogger } from '../../src/log/logger.js';
import { readRunEvent, untrustedCheckoutProblem } from '../../src/publish/event.js';
import { startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github/server.js';
import { profile, result } from '../helpers/results.js';
import { outsideCode } from './publish-markdown.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-faults-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the untrusted-checkout guard with a real git (case 2)', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' }).trim();

  /** A base repository whose main has one commit, a PR branch on it, and the merge GitHub makes. */
  async function pullRequestRepo(): Promise<{ repo: string; base: string; head: string; merge: string }> {
    const repo = path.join(dir, 'repo');
    git(dir, 'init', '-q', '-b', 'main', repo);
    await writeFile(path.join(repo, 'server.mjs'), 'trusted\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    const base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-qb', 'pr');
    await writeFile(path.join(repo, 'server.mjs'), 'untrusted\n');
    git(repo, 'commit', '-qam', 'pr head');
    const head = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '--detach', base);
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge pr into main', head);
    return { repo, base, head, merge: git(repo, 'rev-parse', 'HEAD') };
  }

  async function eventFor(base: string, head: string): Promise<ReturnType<typeof readRunEvent>> {
    const file = path.join(dir, 'event.json');
    const payload = {
      number: 3,
      pull_request: { number: 3, head: { sha: head }, base: { sha: base, ref: 'main' } },
      repository: { default_branch: 'main' },
    };
    await writeFile(file, JSON.stringify(payload));
    return readRunEvent({
      GITHUB_EVENT_NAME: 'pull_request_target',
      GITHUB_EVENT_PATH: file,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_SHA: base,
    });
  }

  it('refuses to boot the merge commit of a pull request (refs/pull/N/merge)', async () => {
    const { repo, base, head, merge } = await pullRequestRepo();
    const event = await eventFor(base, head);
    const checkout = inspectCheckout(repo, event);
    expect(checkout).toEqual({ sha: merge, inTrustedHistory: false });
    expect(untrustedCheckoutProblem(event, checkout, false)).toMatch(/refusing to boot the SUT: the checkout/);
  });

  it('refuses a shallow clone of the merge commit, and says to fetch the history', async () => {
    const { repo, base, head } = await pullRequestRepo();
    const shallow = path.join(dir, 'shallow');
    git(dir, 'clone', '-q', '--depth', '1', pathToFileURL(repo).href, shallow);
    const event = await eventFor(base, head);
    const checkout = inspectCheckout(shallow, event);
    expect(checkout.inTrustedHistory).toBeUndefined();
    expect(untrustedCheckoutProblem(event, checkout, false)).toMatch(/git cannot tell .*fetch-depth: 0/);
  });

  it('lets the base commit and an older commit of main run', async () => {
    const { repo, base, head } = await pullRequestRepo();
    const event = await eventFor(base, head);
    git(repo, 'checkout', '-q', '--detach', base);
    expect(untrustedCheckoutProblem(event, inspectCheckout(repo, event), false)).toBeUndefined();
    // A later main (GITHUB_SHA): the base commit is now an ancestor of it, not its tip.
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'main moves on');
    const moved = { ...event, baseSha: undefined, eventSha: git(repo, 'rev-parse', 'HEAD') };
    git(repo, 'checkout', '-q', '--detach', base);
    expect(inspectCheckout(repo, moved)).toEqual({ sha: base, inTrustedHistory: true });
    expect(untrustedCheckoutProblem(moved, inspectCheckout(repo, moved), false)).toBeUndefined();
  });
});

describe('perfgate publish with a hostile artifact (cases 3 and 12)', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub();
  });
  afterEach(async () => {
    await gh.close();
  });

  it('posts a comment that fits GitHub and holds no live mention or HTML from the artifact', async () => {
    const hostile = 'x @ghost <img src=x onerror=alert(1)>';
    const artifact = result([profile('api', { status: 'fail', reasons: ['slow '.repeat(14_000)] })], {
      status: 'fail',
      reasons: ['r '.repeat(35_000) + hostile],
      tool: { name: 'perfgate', version: hostile },
      startedAt: hostile,
      git: { sha: '`@ghost' },
      environment: { cpuModel: 'cpu', cores: 2, os: 'Linux', node: hostile, runner: 'r', ci: true },
    });
    await writeFile(path.join(dir, 'result.json'), JSON.stringify(artifact));
    const event = path.join(dir, 'event.json');
    await writeFile(event, JSON.stringify({ workflow_run: { head_sha: 'a'.repeat(40), pull_requests: [] } }));
    const code = await publishCommand.run({
      argv: ['--result', dir, '--pr', '7'],
      env: {
        GITHUB_TOKEN: 'ghs_test',
        GITHUB_API_URL: gh.url,
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_EVENT_NAME: 'workflow_run',
        GITHUB_EVENT_PATH: event,
      },
      cwd: dir,
      stdout: () => undefined,
      logger: silentLogger,
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    const [comment] = gh.issues.get(7)?.comments ?? [];
    const body = comment?.body ?? '';
    expect(body).toContain('perfgate: fail');
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/cut, see report\.md/);
    expect(outsideCode(body)).not.toMatch(/@ghost|<img/);
  });
});
