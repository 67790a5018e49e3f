/**
 * Publishing with the real @actions/github client against a local fake of GitHub's REST API
 * (reached through GITHUB_API_URL, as on GitHub Enterprise): the sticky comment, fork PRs'
 * read-only tokens, retries, and alert issues.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/read.js';
import { silentLogger } from '../../src/log/logger.js';
import { FORK_NOTICE, publishToGitHub } from '../../src/publish/index.js';
import { retryDelayMs } from '../../src/publish/client.js';
import { BOT, startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github/server.js';
import { profile, result } from '../helpers/results.js';

const config = parseSettings(
  'version: 1\nsut: { url: "http://127.0.0.1:1" }\nprofiles: [{ name: p, kind: load }]\nalerts: { issues: true }\n',
  '/tmp/perfgate.yml',
  {},
).config;
const FAST_RETRY = { attempts: 4, maxWaitMs: 50, baseDelayMs: 5 };
const SHA1 = '1'.repeat(40);
const SHA2 = '2'.repeat(40);

let gh: FakeGitHub;
let dir: string;
beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.commits = [SHA1, SHA2];
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-gh-'));
});
afterEach(async () => {
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

async function env(event: string, payload: unknown): Promise<NodeJS.ProcessEnv> {
  const file = path.join(dir, 'event.json');
  await writeFile(file, JSON.stringify(payload));
  return {
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: file,
    GITHUB_RUN_ID: '99',
    GITHUB_SERVER_URL: 'https://github.com',
  };
}
const prEvent = (sha: string) => env('pull_request', { number: 7, pull_request: { number: 7, head: { sha } } });
const publish = (r: ReturnType<typeof result>, e: NodeJS.ProcessEnv, token = 'ghs_test') =>
  publishToGitHub(r, {
    token,
    env: e,
    report: config.report,
    alerts: config.alerts,
    logger: silentLogger,
    retry: FAST_RETRY,
  });
const ours = () => (gh.issues.get(7)?.comments ?? []).filter((c) => c.body.includes('perfgate:comment'));

describe('the sticky PR comment', () => {
  it('is created once and then updated in place, also when it is on a later page', async () => {
    // 150 comments by people first: perfgate's lands on page 2 of 100.
    const pr = gh.issues.get(7) ?? {
      number: 7,
      title: '',
      body: '',
      state: 'open' as const,
      labels: [],
      user: BOT,
      html_url: '',
      comments: [],
    };
    for (let i = 0; i < 150; i++)
      pr.comments.push({
        id: i + 1,
        body: `lgtm ${i}`,
        user: { login: 'dev', id: 1, type: 'User' },
        created_at: '',
        updated_at: '',
        html_url: '',
      });
    gh.issues.set(7, pr);
    const first = await publish(result([profile('browse')]), await prEvent(SHA1));
    expect(first.comment?.action).toBe('created');
    const second = await publish(
      result([profile('browse', { latency: { ...profile('x').latency, p50: 7.77 } })]),
      await prEvent(SHA2),
    );
    expect(second.comment?.action).toBe('updated');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]?.body).toContain('7.77 ms');
    expect(ours()[0]?.body).toContain(`perfgate:sha=${SHA2}`);
  });

  it('is not replaced by a run for an older head SHA', async () => {
    await publish(result([profile('browse')]), await prEvent(SHA2));
    const stale = await publish(result([profile('stale-run')]), await prEvent(SHA1));
    expect(stale.comment?.action).toBe('skipped');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]?.body).not.toContain('stale-run');
  });

  it('ignores a look-alike comment written by someone else', async () => {
    gh.issues.set(7, {
      number: 7,
      title: '',
      body: '',
      state: 'open',
      labels: [],
      user: BOT,
      html_url: '',
      comments: [
        {
          id: 5,
          body: '<!-- perfgate:comment id=default --> fake',
          user: { login: 'mallory', id: 666, type: 'User' },
          created_at: '',
          updated_at: '',
          html_url: '',
        },
      ],
    });
    await publish(result([profile('browse')]), await prEvent(SHA1));
    expect(gh.issues.get(7)?.comments.map((c) => c.user.login)).toEqual(['mallory', 'github-actions[bot]']);
    expect(gh.issues.get(7)?.comments[0]?.body).toBe('<!-- perfgate:comment id=default --> fake');
  });

  it('does not fail on a fork PR with a read-only token, and says what to do', async () => {
    gh.readOnly = true;
    const out = await publish(result([profile('browse')]), await prEvent(SHA1));
    expect(out.notices).toContain(FORK_NOTICE);
    expect(out.comment).toBeUndefined();
    expect(gh.requests.filter((r) => r.status === 403 && r.method === 'POST')).toHaveLength(1);
  });

  it.each([
    ['a burst of 502s', { count: 2, status: 502 }],
    ['a secondary rate limit (403 with retry-after)', { count: 1, status: 403, retryAfter: 0 }],
    ['a 429 with retry-after', { count: 2, status: 429, retryAfter: 0 }],
  ])('retries through %s', async (_name, failure) => {
    gh.failNext = failure;
    const out = await publish(result([profile('browse')]), await prEvent(SHA1));
    expect(out.comment?.action).toBe('created');
    expect(out.notices).toEqual([]);
  });

  it('gives up after its attempts and reports it as a notice, not a crash', async () => {
    gh.failNext = { count: 50, status: 503 };
    const out = await publish(result([profile('browse')]), await prEvent(SHA1));
    expect(out.notices.join('\n')).toMatch(/posting the PR comment failed: HTTP 503/);
  });
});

describe('retryDelayMs', () => {
  const policy = { attempts: 4, maxWaitMs: 60_000, baseDelayMs: 1000 };
  it.each([
    [{ status: 502 }, 0, 1000],
    [{ status: 502 }, 2, 4000],
    [{ status: 429, response: { headers: { 'retry-after': '7' } } }, 0, 7000],
    [{ status: 403, message: 'You have exceeded a secondary rate limit', response: { headers: {} } }, 1, 2000],
    [{ status: 403, response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' } } }, 0, 10_000],
    [{ status: 403, message: 'Resource not accessible by integration' }, 0, undefined],
    [{ status: 404 }, 0, undefined],
  ])('%o attempt %i → %s ms', (error, attempt, expected) => {
    expect(retryDelayMs(error, attempt, policy, 1_000_000)).toBe(expected);
  });
});

describe('alert issues on scheduled runs', () => {
  it('opens one issue per regression, updates it on the next failure and closes it on recovery', async () => {
    const e = await env('schedule', {});
    const failing = result([profile('checkout', { status: 'fail', reasons: ['SLO: p99 80 ms (limit ≤ 50 ms)'] })]);
    await publish(failing, e);
    const alerts = () => [...gh.issues.values()].filter((i) => i.title.startsWith('perfgate:'));
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]?.labels.map((l) => l.name)).toEqual(['performance', 'perfgate']);
    await publish(failing, e);
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]?.comments[0]?.body).toMatch(/^Still regressed/);
    await publish(result([profile('checkout')]), e);
    expect(alerts()[0]?.state).toBe('closed');
    expect(alerts()[0]?.comments.at(-1)?.body).toMatch(/^Recovered/);
  });
});
