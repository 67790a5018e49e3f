import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineWritePermission } from '../../src/baseline/trust.js';

let dir: string;
let eventPath: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-trust-'));
  eventPath = path.join(dir, 'event.json');
  await writeFile(eventPath, JSON.stringify({ repository: { default_branch: 'main' } }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('who may write a baseline', () => {
  it.each([
    ['push to the default branch', 'push', 'refs/heads/main', true, /push on main/],
    ['nightly schedule on the default branch', 'schedule', 'refs/heads/main', true, /schedule on main/],
    ['pull request', 'pull_request', 'refs/pull/7/merge', false, /a pull_request event only reads baselines/],
    ['pull_request_target', 'pull_request_target', 'refs/heads/main', false, /pull_request_target event only reads/],
    [
      'push to a feature branch',
      'push',
      'refs/heads/feature',
      false,
      /refs\/heads\/feature is not the default branch main/,
    ],
    ['workflow_dispatch', 'workflow_dispatch', 'refs/heads/main', false, /only push or schedule/],
  ])('%s → allowed %s', (_what, event, ref, allowed, why) => {
    const p = baselineWritePermission({
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: event,
      GITHUB_REF: ref,
      GITHUB_EVENT_PATH: eventPath,
    });
    expect(p.allowed).toBe(allowed);
    expect(p.why).toMatch(why);
  });

  it('refuses in Actions when the default branch cannot be known', () => {
    expect(
      baselineWritePermission({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' }),
    ).toMatchObject({ allowed: false });
  });

  it('trusts a local run outside Actions', () => {
    expect(baselineWritePermission({})).toMatchObject({ allowed: true, event: 'local' });
  });
});
