/**
 * Fault cases of issue 15 on the publishing side, as a hostile pull request would try them:
 * (2) a privileged run that boots the PR's merge commit, (3) an artifact whose texts try to
 * break out of the comment's markdown, (12) a text long enough to push the comment past
 * GitHub's 65,536-character limit.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readUntrustedResult } from '../../src/commands/publish.js';
import { emptyErrorClasses } from '../../src/model/result.js';
import { untrustedCheckoutProblem, type CheckoutState, type RunEvent } from '../../src/publish/event.js';
import { inlineCode } from '../../src/report/escape.js';
import { buildMarkdownReport } from '../../src/report/markdown.js';
import { planComment } from '../../src/report/size.js';
import { profile, result } from '../helpers/results.js';
import { outsideCode } from './publish-markdown.js';

const BASE = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);
const MERGE = 'd'.repeat(40);
const GITHUB_LIMIT = 65_536;

describe('the untrusted-checkout guard (case 2)', () => {
  const event: RunEvent = {
    name: 'pull_request_target',
    owner: 'o',
    repo: 'r',
    pullNumber: 3,
    headSha: HEAD,
    defaultBranch: 'main',
    baseSha: BASE,
    baseRef: 'main',
    eventSha: BASE,
    ref: 'refs/heads/main',
    runUrl: undefined,
  };
  const at = (sha: string | undefined, inTrustedHistory: boolean | undefined): CheckoutState => ({
    sha,
    inTrustedHistory,
  });

  it('refuses the merge commit (refs/pull/N/merge), which is neither the head nor the base', () => {
    expect(untrustedCheckoutProblem(event, at(MERGE, false), false)).toMatch(
      /refusing to boot the SUT: the checkout \(d{12}\) is not the base commit nor in the history of the base branch \(b{12}\)/,
    );
  });

  it('refuses under workflow_run too, whatever the PR fields say', () => {
    const run = { ...event, name: 'workflow_run', baseSha: undefined, headSha: MERGE };
    expect(untrustedCheckoutProblem(run, at(HEAD, false), false)).toMatch(/workflow_run run, which has a write token/);
  });

  it('refuses when git cannot tell (a shallow clone) and says how to fetch the history', () => {
    expect(untrustedCheckoutProblem(event, at(MERGE, undefined), false)).toMatch(
      /git cannot tell whether the checkout .*fetch-depth: 0/,
    );
  });

  it('refuses outside a git checkout', () => {
    expect(untrustedCheckoutProblem(event, at(undefined, undefined), false)).toMatch(/not a git checkout/);
  });

  it.each([
    ['the base commit', at(BASE, undefined), false],
    ['a commit in the base branch history', at('e'.repeat(40), true), false],
    ['the merge commit with allow-untrusted-checkout', at(MERGE, false), true],
  ])('lets %s run', (_name, checkout, optedIn) => {
    expect(untrustedCheckoutProblem(event, checkout, optedIn)).toBeUndefined();
  });
});

describe('untrusted text in the comment (case 3)', () => {
  const HOSTILE = 'x @ghost <img src=x onerror=alert(1)> [link](https://evil.example) `code` </details>';

  function hostileResult() {
    return result(
      [
        profile('api', {
          degradation: {
            degraded: true,
            p50Change: 0,
            p99Change: 0,
            rpsChange: 0,
            errorRateChange: 0,
            detail: HOSTILE,
          },
          generator: { cpuPercent: 99, eventLoopDelayP99Ms: 1, saturated: true, evidence: [HOSTILE, HOSTILE] },
          slo: { pass: true, checks: [{ metric: HOSTILE, limit: 50, actual: 2.5, unit: 'ms', pass: true }] },
          errors: {
            total: 1,
            byClass: { ...emptyErrorClasses(), '5xx': 1 },
            byStatus: { [HOSTILE]: 1 },
            samples: [HOSTILE],
          },
        }),
      ],
      {
        tool: { name: 'perfgate', version: HOSTILE },
        startedAt: HOSTILE,
        git: { sha: '`@ghost' },
        environment: { cpuModel: 'cpu', cores: 2, os: 'Linux', node: HOSTILE, runner: 'r', ci: true },
      },
    );
  }

  it('keeps every @-mention, tag and link of the artifact out of live markdown', () => {
    const body = planComment(hostileResult()).body;
    const live = outsideCode(body);
    expect(body).toContain('ghost');
    expect(live).not.toMatch(/@ghost/);
    expect(live).not.toMatch(/<img|<\/details>\s*x|\]\(https/);
  });

  it('shows a git.sha that holds a backtick inside one code span, not as a mention', () => {
    const body = buildMarkdownReport(hostileResult());
    expect(body).toContain('at `` `@ghost ``');
    expect(outsideCode(body)).not.toContain('@ghost');
  });

  it.each([
    ['plain', 'abc', '`abc`'],
    ['one backtick inside', 'a`b', '``a`b``'],
    ['a run of three', 'a```b', '````a```b````'],
    ['a backtick at the edge', '`a', '`` `a ``'],
    ['a newline', 'a\nb', '`a b`'],
  ])('builds inline code with a fence longer than any backtick run: %s', (_name, text, code) => {
    expect(inlineCode(text)).toBe(code);
  });
});

describe('validating the artifact (case 3)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-faults-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a result.json with a field of the wrong type, naming the field', async () => {
    const bad = { ...result([profile('api')]), tool: { name: 'perfgate', version: { toString: '@ghost' } } };
    await writeFile(path.join(dir, 'result.json'), JSON.stringify(bad));
    await expect(readUntrustedResult(dir)).rejects.toThrow(/is not a perfgate result .*tool\.version: .*string/);
  });
});

describe('the comment always fits GitHub (case 12)', () => {
  const LONG = 'slow '.repeat(14_000); // 70,000 characters

  it.each([
    ['a run reason', () => result([profile('api')], { reasons: [LONG] })],
    ['a notice', () => result([profile('api')], { notices: [LONG, LONG, LONG, LONG] })],
    ['a profile reason', () => result([profile('api', { status: 'fail', reasons: [LONG, LONG] })])],
    [
      'bottleneck evidence',
      () =>
        result([profile('api')], {
          bottlenecks: Array.from({ length: 50 }, () => ({
            kind: 'cpu',
            profile: 'api',
            confidence: 0.9,
            evidence: [LONG, LONG],
          })),
        } as never),
    ],
    ['the error samples and degradation detail', () => hugeDetails()],
  ])('bounds %s and marks the cut', (_name, make) => {
    const planned = planComment(make());
    expect(planned.body.length).toBeLessThanOrEqual(GITHUB_LIMIT - 512);
    expect(planned.body).toMatch(/cut, see report\.md/);
  });

  it('still fits when no summary can: the minimal body', () => {
    const many = Array.from({ length: 500 }, (_, i) => profile(`${LONG.slice(0, 400)}-${i}`));
    const planned = planComment(result(many, { reasons: Array.from({ length: 100 }, () => LONG) }), {}, 2_000);
    expect(planned.body.length).toBeLessThanOrEqual(2_000);
    expect(planned.body).toContain('perfgate: pass');
  });

  function hugeDetails() {
    return result([
      profile('api', {
        errors: {
          total: 3,
          byClass: { ...emptyErrorClasses(), '5xx': 3 },
          byStatus: { '500': 3 },
          samples: [LONG, LONG, LONG],
        },
        degradation: { degraded: true, p50Change: 0, p99Change: 0, rpsChange: 0, errorRateChange: 0, detail: LONG },
      }),
    ]);
  }
});
