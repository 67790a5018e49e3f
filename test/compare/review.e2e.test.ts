import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git as gitIn } from '../helpers/git.js';
import { loadSettings, parseSettings } from '../../src/config/read.js';
import { reviewAgainstRef, thresholdChanges } from '../../src/compare/review.js';

const config = (p50Gate: string, p99: string, history = 50) => `version: 1
sut: { url: "http://127.0.0.1:9" }
profiles:
  - { name: api, kind: load, duration: 1s, connections: 2, slo: { p99: ${p99} } }
gates: { regression: { p50: ${p50Gate} } }
baseline: { history: ${history} }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-review-'));
  const git = (...args: string[]) => gitIn(dir, ...args);
  git('init', '--quiet', '-b', 'main');
  await writeFile(path.join(dir, 'perfgate.yml'), config('5%', '50ms'));
  git('add', 'perfgate.yml');
  git('commit', '--quiet', '-m', 'base');
  git('checkout', '--quiet', '-b', 'feature');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('threshold change review', () => {
  it('lists every changed gate, SLO and baseline setting as old → new', () => {
    const changes = thresholdChanges(
      parseSettings(config('5%', '50ms'), '/x/perfgate.yml', {}),
      parseSettings(config('20%', '80ms', 10), '/x/perfgate.yml', {}),
    );
    expect(changes).toEqual([
      'baseline.history: 50 → 10',
      'gates.regression.p50: 0.05 → 0.2',
      'profiles[api].slo.p99: 50 → 80',
    ]);
  });

  it("gates a branch that loosens its own thresholds with the base branch's values and says it needs review", async () => {
    await writeFile(path.join(dir, 'perfgate.yml'), config('20%', '80ms'));
    const head = await loadSettings(path.join(dir, 'perfgate.yml'), {});
    const { settings, notices } = reviewAgainstRef(head, 'main', { env: {} });
    expect(settings.config.gates.regression?.p50).toBe(0.05);
    expect(settings.config.profiles[0]).toMatchObject({ slo: { p99: 50 } });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^threshold change needs review: .*gates\.regression\.p50: 0\.05 → 0\.2; profiles\[api\]\.slo\.p99: 50 → 80/,
    );
  });

  it("changes nothing when the thresholds are the base branch's or there is no base ref, and says when the base config cannot be read", async () => {
    await writeFile(path.join(dir, 'perfgate.yml'), config('5%', '50ms'));
    const head = await loadSettings(path.join(dir, 'perfgate.yml'), {});
    expect(reviewAgainstRef(head, 'main', { env: {} })).toEqual({ settings: head, notices: [], problems: [] });
    expect(reviewAgainstRef(head, undefined, { env: {} }).notices).toEqual([]);
    expect(reviewAgainstRef(head, 'no-such-branch', { env: {} }).notices).toEqual([
      'threshold review skipped: perfgate.yml was not found on no-such-branch (a new file, or the base branch was not fetched: use actions/checkout with fetch-depth: 0)',
    ]);
    expect(reviewAgainstRef(head, 'no-such-branch', { env: {} }).settings).toBe(head);
  });
});
