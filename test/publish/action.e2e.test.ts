/**
 * The action front door as the runner starts it: `node src/index.ts` (through tsx) with INPUT_*
 * variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and an event payload, publishing to the
 * local fake GitHub.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeActionsCache } from '../fixtures/fake-actions-cache/server.js';
import { startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github/server.js';
import { runAction as runAction_, type ActionRun } from '../helpers/action.js';
import { freePort, pidsWithMarker } from '../helpers/processes.js';

let gh: FakeGitHub;
let dir: string;
beforeEach(async () => {
  gh = await startFakeGitHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-action-'));
});
afterEach(async () => {
  await gh.close();
  expect(await pidsWithMarker(path.basename(dir))).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

function runAction(
  event: string,
  payload: unknown,
  inputs: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {},
  bundle?: string,
): Promise<ActionRun> {
  return runAction_({ dir, event, payload, inputs, env, apiUrl: gh.url, ...(bundle ? { bundle } : {}) });
}

async function writeConfig(extra = ''): Promise<void> {
  const port = await freePort();
  await writeFile(
    path.join(dir, 'perfgate.yml'),
    `version: 1
sut:
  command: node ${path.resolve('examples/shop/server.mjs')}
  env: { PORT: "${port}", MARKER: "${path.basename(dir)}" }
  url: http://127.0.0.1:${port}
  ready: { path: /health, timeout: 10s }
profiles:
  - { name: browse, kind: load, duration: 2s, connections: 4, requests: [{ path: /api/items }], slo: { p99: 500ms } }
${extra}`,
  );
}

describe('the action', () => {
  it('runs on a pull_request, posts the sticky comment, writes outputs and the job summary', async () => {
    await writeConfig();
    const sha = 'c'.repeat(40);
    const { code, outputs, summary, stdout } = await runAction('pull_request', {
      number: 12,
      pull_request: { number: 12, head: { sha } },
    });
    expect(code, stdout).toBe(0);
    expect(outputs).toMatch(/status<<ghadelimiter_[^\n]+\npass\n/);
    expect(outputs).toContain('comment-url');
    expect(summary).toContain('perfgate: pass');
    const comments = gh.issues.get(12)?.comments ?? [];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('<!-- perfgate:comment id=default -->');
    expect(comments[0]?.body).toContain(`perfgate:sha=${sha}`);
    expect(comments[0]?.body).toContain('| ✅ browse');
    // The token is registered as a secret (the runner masks it) and never printed otherwise.
    expect(stdout).toContain('::add-mask::ghs_faketoken');
    expect(
      stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain('ghs_faketoken');
  }, 60_000);

  it('does the same as one bundle run by plain node, as the runner starts dist/index.js', async () => {
    // A fresh bundle with the options of the committed dist/ (CI also checks dist/ is this build).
    const { build } = await import('esbuild');
    const { common, banner } = (await import(pathToFileURL(path.resolve('scripts/bundle-options.mjs')).href)) as {
      common: Record<string, unknown>;
      banner: string;
    };
    const bundle = path.join(dir, 'bundle', 'index.js');
    await build({ ...common, entryPoints: [path.resolve('src/index.ts')], outfile: bundle, banner: { js: banner } });
    await writeConfig();
    const sha = 'd'.repeat(40);
    const first = await runAction(
      'pull_request',
      { number: 21, pull_request: { number: 21, head: { sha } } },
      {},
      {},
      bundle,
    );
    expect(first.code, first.stdout).toBe(0);
    const second = await runAction(
      'pull_request',
      { number: 21, pull_request: { number: 21, head: { sha } } },
      {},
      {},
      bundle,
    );
    expect(second.code, second.stdout).toBe(0);
    expect(second.outputs).toMatch(/status<<ghadelimiter_[^\n]+\npass\n/);
    expect(second.summary).toContain('perfgate: pass');
    // Two runs, one comment: created, then edited in place.
    expect(gh.issues.get(21)?.comments).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  }, 90_000);

  it('refuses to boot a PR head checkout under pull_request_target, and says why', async () => {
    await writeConfig();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', 'perfgate.yml');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'pr head');
    const head = git('rev-parse', 'HEAD');
    const { code, outputs, summary, stdout } = await runAction('pull_request_target', {
      number: 3,
      pull_request: { number: 3, head: { sha: head } },
    });
    expect(code).toBe(1);
    expect(outputs).toMatch(/status<<ghadelimiter_[^\n]+\nerror\n/);
    expect(stdout).toContain('refusing to boot the SUT');
    expect(summary).toContain('pull_request_target');
    expect(gh.requests).toEqual([]);
  }, 30_000);

  it('keeps baselines in the Actions cache: a push on main saves, a pull request compares and saves nothing', async () => {
    await writeConfig('baseline: { store: cache }\n');
    const cache = await startFakeActionsCache();
    try {
      const cacheEnv = {
        ACTIONS_RESULTS_URL: cache.url,
        ACTIONS_RUNTIME_TOKEN: cache.token,
        ACTIONS_CACHE_SERVICE_V2: 'true',
      };
      const main = 'a'.repeat(40);
      const push = await runAction(
        'push',
        { repository: { default_branch: 'main' } },
        { baseline: 'auto' },
        {
          ...cacheEnv,
          GITHUB_REF: 'refs/heads/main',
          GITHUB_REF_NAME: 'main',
          GITHUB_SHA: main,
          GITHUB_RUN_ID: '7',
          GITHUB_RUN_ATTEMPT: '1',
        },
      );
      expect(push.code, push.stdout).toBe(0);
      expect(push.stdout).toContain(`saved the baseline of main at aaaaaaa to Actions cache`);
      expect(cache.entries.map((e) => [e.key, e.finalized])).toEqual([
        [`perfgate-baselines/v1/main/${main}/7-1`, true],
      ]);
      // A new runner: nothing local survives.
      await rm(path.join(dir, '.perfgate'), { recursive: true, force: true });
      const pr = await runAction(
        'pull_request',
        {
          number: 5,
          pull_request: { number: 5, head: { sha: 'b'.repeat(40) } },
          repository: { default_branch: 'main' },
        },
        { baseline: 'auto' },
        {
          ...cacheEnv,
          GITHUB_REF: 'refs/pull/5/merge',
          GITHUB_HEAD_REF: 'feature',
          GITHUB_BASE_REF: 'main',
          GITHUB_SHA: 'b'.repeat(40),
          GITHUB_RUN_ID: '8',
        },
      );
      expect(pr.code, pr.stdout).not.toBe(2);
      expect(pr.code, pr.stdout).not.toBe(3);
      const result = JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')) as {
        comparison?: { metrics: { profile: string; metric: string }[] };
        notices: string[];
      };
      expect(result.comparison?.metrics.map((m) => m.metric)).toEqual(
        expect.arrayContaining(['p50', 'p99', 'throughput']),
      );
      expect(result.notices.join('\n')).toContain('baseline not saved: a pull_request event only reads baselines');
      expect(cache.entries).toHaveLength(1);
    } finally {
      await cache.close();
    }
  }, 60_000);
});
