/**
 * Fault suite (issue 15, case 4) through the CLI in a real git repository: on a branch, renaming
 * `api` to `api-v2` and deleting its SLO must not pass `run --base-ref main`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git as gitIn } from '../helpers/git.js';
import { freePort } from '../helpers/processes.js';
import { readResult, runCli } from '../helpers/cli.js';

const shop = path.resolve('examples/shop/server.mjs');

let dir: string;
let port: number;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-faults-review-e2e-'));
  port = await freePort();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// A generous SLO the shop meets easily: only the review can fail the run.
const config = (profile: string) => `version: 1
sut:
  command: node ${JSON.stringify(shop)}
  env: { PORT: "${port}" }
  url: http://127.0.0.1:${port}
  ready: { path: /health, timeout: 10s }
profiles:
  - { ${profile}, kind: load, duration: 1s, connections: 2, requests: [{ path: /health }] }
`;

describe('perfgate run --base-ref, a renamed profile (case 4)', () => {
  it('exits 1 naming the rename and the dropped SLO', async () => {
    const git = (...args: string[]) => gitIn(dir, ...args);
    git('init', '--quiet', '-b', 'main');
    await writeFile(path.join(dir, 'perfgate.yml'), config('name: api, slo: { p99: 5s }'));
    git('add', 'perfgate.yml');
    git('commit', '--quiet', '-m', 'base');
    git('checkout', '--quiet', '-b', 'feature');
    await writeFile(path.join(dir, 'perfgate.yml'), config('name: api-v2'));

    const out = path.join(dir, 'out');
    const run = await runCli(['run', '--config', path.join(dir, 'perfgate.yml'), '--out', out, '--base-ref', 'main'], {
      cwd: dir,
      env: { ...process.env, GITHUB_BASE_REF: '', GITHUB_EVENT_NAME: '' },
    });
    expect(run.code).toBe(1);
    const result = await readResult(out);
    expect(result.status).toBe('fail');
    expect(result.reasons).toEqual([
      'needs review: profile api was renamed to api-v2',
      'needs review: profile api-v2 dropped its SLO p99 (base api)',
    ]);
  }, 30_000);
});
