/**
 * The action's `mode: ab` as the runner starts it: a bundle of src/index.ts run by plain node
 * (what dist/index.js is), INPUT_* variables, a pull_request payload with the base and head SHAs,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, in a depth-1 clone of a real repository of two
 * commits. The action finds the merge base, deepens the clone, checks the base out into a
 * worktree, builds each checkout (sut.build), runs the A/B, comments on the local fake GitHub,
 * and leaves no worktree and no SUT behind.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github/server.js';
import { runAction, type ActionRun } from '../helpers/action.js';
import { git } from '../helpers/git.js';
import { freePort, pidsWithMarker } from '../helpers/processes.js';

let bundle: string;
let bundleDir: string;
beforeAll(async () => {
  // A fresh bundle with the options of the committed dist/ (CI checks dist/ is this build).
  bundleDir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-ab-bundle-'));
  const { build } = await import('esbuild');
  const { common, banner } = (await import(pathToFileURL(path.resolve('scripts/bundle-options.mjs')).href)) as {
    common: Record<string, unknown>;
    banner: string;
  };
  bundle = path.join(bundleDir, 'index.js');
  await build({ ...common, entryPoints: [path.resolve('src/index.ts')], outfile: bundle, banner: { js: banner } });
}, 60_000);
afterAll(() => rm(bundleDir, { recursive: true, force: true }));

let gh: FakeGitHub;
let dir: string;
beforeEach(async () => {
  gh = await startFakeGitHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-abmode-'));
});
afterEach(async () => {
  await gh.close();
  expect(await pidsWithMarker(path.basename(dir))).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

/**
 * A server whose handler waits `delayMs` (timer latency is steady, so a 20 % slower head is a
 * clear case on a noisy machine), and that refuses to start unless its checkout was built.
 */
function server(delayMs: number): string {
  return `import http from 'node:http';
import { existsSync } from 'node:fs';
if (!existsSync(new URL('./built.txt', import.meta.url))) { console.error('not built'); process.exit(1); }
http.createServer((req, res) => setTimeout(() => res.end('ok'), ${delayMs})).listen(Number(process.env.PORT), '127.0.0.1');
`;
}

interface Repo {
  base: string;
  head: string;
  /** The workspace: a depth-1 clone of the head, as actions/checkout makes it. */
  workspace: string;
}

/** origin with two commits on main (base, then head), and a depth-1 clone of the head. */
async function makeRepo(baseDelayMs: number, headDelayMs: number): Promise<Repo> {
  const port = await freePort();
  const src = path.join(dir, 'src');
  await mkdir(src);
  git(src, 'init', '-q', '-b', 'main');
  await writeFile(
    path.join(src, 'perfgate.yml'),
    `version: 1
sut:
  command: node server.mjs
  build: node -e "require('fs').writeFileSync('built.txt', 'ok')"
  env: { PORT: "${port}", MARKER: "${path.basename(dir)}" }
  url: http://127.0.0.1:${port}
  ready: { path: /, timeout: 10s }
profiles:
  - { name: checkout, kind: load, duration: 1s, connections: 4, requests: [{ path: / }] }
ab: { pairs: 10, trialDuration: 500ms, warmup: 200ms, alpha: 0.01, sequential: false }
gates:
  regression: { p50: 10%, throughput: 10% }
`,
  );
  await writeFile(path.join(src, '.gitignore'), 'built.txt\n');
  await writeFile(path.join(src, 'server.mjs'), server(baseDelayMs));
  git(src, 'add', '.');
  git(src, 'commit', '-q', '-m', 'base');
  const base = git(src, 'rev-parse', 'HEAD');
  await writeFile(path.join(src, 'server.mjs'), server(headDelayMs));
  await writeFile(path.join(src, 'README.md'), 'the head\n');
  git(src, 'add', '.');
  git(src, 'commit', '-q', '-m', 'head');
  const head = git(src, 'rev-parse', 'HEAD');
  const origin = path.join(dir, 'origin.git');
  git(dir, 'clone', '-q', '--bare', src, origin);
  const workspace = path.join(dir, 'ws');
  git(dir, 'clone', '-q', '--depth', '1', pathToFileURL(origin).href, workspace);
  // The workflow's own build step of the head (sut.build runs again in it; it is idempotent).
  return { base, head, workspace };
}

function runAb(repo: Repo, pr: number, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    dir: repo.workspace,
    event: 'pull_request',
    payload: {
      number: pr,
      pull_request: { number: pr, base: { sha: repo.base, ref: 'main' }, head: { sha: repo.head } },
    },
    inputs: { mode: 'ab', ...inputs },
    apiUrl: gh.url,
    bundle,
    env: { RUNNER_TEMP: path.join(dir, 'runner-temp') },
  });
}

function output(outputs: string, name: string): string | undefined {
  return new RegExp(`^${name}<<(ghadelimiter_[^\\n]+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(outputs)?.[2];
}

async function expectNothingLeft(repo: Repo): Promise<void> {
  expect(git(repo.workspace, 'worktree', 'list').split('\n')).toHaveLength(1);
  const temp = path.join(dir, 'runner-temp');
  expect(existsSync(temp) ? (await readdir(temp)).filter((f) => f.startsWith('perfgate-base-')) : []).toEqual([]);
}

describe('the action in mode ab', () => {
  it('fails a head 20 % slower than the merge base, comments, and leaves nothing behind', async () => {
    await mkdir(path.join(dir, 'runner-temp'));
    const repo = await makeRepo(10, 12);
    expect(git(repo.workspace, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const run = await runAb(repo, 7);
    expect(run.code, run.stdout).toBe(1);
    expect(output(run.outputs, 'status')).toBe('fail');
    expect(Number(output(run.outputs, 'regressions'))).toBeGreaterThanOrEqual(1);
    expect(output(run.outputs, 'summary')).toMatch(/^p50 \+\d+\.\d% \[.*\] on checkout/);
    expect(output(run.outputs, 'mde')).toMatch(/^\d+\.\d%$/);
    // Each checkout was built before its first trial (the server refuses to start otherwise).
    expect(run.stdout).toContain('preparing the base checkout');
    expect(run.stdout).toContain('preparing the head checkout');
    const result = JSON.parse(await readFile(path.join(repo.workspace, 'out', 'result.json'), 'utf8')) as {
      comparison: { method: string; baseline: { sha: string; ref: string; how: string } };
    };
    expect(result.comparison.method).toBe('ab');
    expect(result.comparison.baseline).toEqual({
      sha: repo.base,
      ref: 'main',
      how: `merge base of the pull request's base (${repo.base.slice(0, 7)}) and head (${repo.head.slice(0, 7)})`,
    });
    expect(run.summary).toContain('regression');
    const comments = gh.issues.get(7)?.comments ?? [];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('<!-- perfgate:comment id=default -->');
    expect(comments[0]?.body).toMatch(/regression/);
    await expectNothingLeft(repo);
  }, 150_000);

  it('passes identical code with 0 regressions; on-change posts nothing, then updates the comment that exists', async () => {
    const repo = await makeRepo(10, 10);
    const quiet = await runAb(repo, 8, { comment: 'on-change' });
    expect(quiet.code, quiet.stdout).toBe(0);
    expect(output(quiet.outputs, 'status')).toBe('pass');
    expect(output(quiet.outputs, 'regressions')).toBe('0');
    expect(output(quiet.outputs, 'summary')).toMatch(/1 profile unchanged/);
    expect(gh.issues.get(8)?.comments ?? []).toHaveLength(0);
    expect(quiet.stdout).toContain('comment: on-change and no metric changed');
    // A comment from an earlier push of the same pull request is kept current, never left stale.
    const earlier = await fetch(`${gh.url}/repos/o/r/issues/8/comments`, {
      method: 'POST',
      headers: { authorization: 'token ghs_faketoken', 'content-type': 'application/json' },
      body: JSON.stringify({ body: '<!-- perfgate:comment id=default -->\n## ❌ perfgate: fail (an earlier push)' }),
    });
    expect(earlier.status).toBe(201);
    const again = await runAb(repo, 8, { comment: 'on-change' });
    expect(again.code, again.stdout).toBe(0);
    expect(gh.issues.get(8)?.comments).toHaveLength(1);
    expect(gh.issues.get(8)?.comments[0]?.body).toContain('perfgate: pass');
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    await expectNothingLeft(repo);
  }, 200_000);

  it('removes the worktree and stops the SUT when the job is cancelled mid-trial', async () => {
    await mkdir(path.join(dir, 'runner-temp'));
    const repo = await makeRepo(10, 10);
    const run = await runAction({
      dir: repo.workspace,
      event: 'pull_request',
      payload: {
        number: 9,
        pull_request: { number: 9, base: { sha: repo.base, ref: 'main' }, head: { sha: repo.head } },
      },
      inputs: { mode: 'ab' },
      apiUrl: gh.url,
      bundle,
      env: { RUNNER_TEMP: path.join(dir, 'runner-temp') },
      interrupt: { when: /trial 3\/20/, signal: 'SIGINT' },
    });
    expect(run.stdout).toMatch(/trial 3\/20/);
    expect(run.code, run.stdout).toBe(1);
    expect(output(run.outputs, 'status')).toBe('error');
    await expectNothingLeft(repo);
  }, 60_000);

  it('says in one line what to set when it cannot find a base', async () => {
    const repo = await makeRepo(10, 10);
    const run = await runAction({
      dir: repo.workspace,
      event: 'push',
      payload: {},
      inputs: { mode: 'ab' },
      apiUrl: gh.url,
      bundle,
    });
    expect(run.code).toBe(1);
    expect(output(run.outputs, 'status')).toBe('error');
    expect(run.stdout).toMatch(/::error::perfgate: input mode: "ab" needs a base: .*set the base-ref input/);
  }, 60_000);
});
