import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirStore } from '../../src/baseline/dir-store.js';
import { readResult, runCli, writeConfig } from '../helpers/cli.js';
import { freePort } from '../helpers/processes.js';
import { resultWith } from '../helpers/results.js';

const shop = fileURLToPath(new URL('../../examples/shop/server.mjs', import.meta.url));
let root: string;
let config: string;

/** The CLI in this process, in `root`, with only the environment given (none of the test runner's). */
const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCli(argv, { env, cwd: root });

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'perfgate-baseline-cli-'));
  const port = await freePort();
  config = await writeConfig(
    root,
    `version: 1
sut:
  command: node ${shop}
  env: { PORT: "${port}", EXTRA_DELAY_MS: "3" }
  url: http://127.0.0.1:${port}
  ready: { path: /health, timeout: 10s }
profiles:
  - { name: api, kind: load, duration: 1s, connections: 2, requests: [{ method: GET, path: /api/report }] }
gates: { regression: { p50: 10% } }
baseline: { history: 3 }
report: { html: false }
`,
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('perfgate baseline save|show|list', () => {
  it('saves a result.json, lists its branch and shows its history', async () => {
    const result = path.join(root, 'r1.json');
    await writeFile(result, JSON.stringify(resultWith({ p50: 4, rps: 900 }, { sha: 'c'.repeat(40), branch: 'main' })));
    const store = path.join(root, 'store-a');
    expect((await cli(['baseline', 'save', '--store', store, '--result', result])).stdout).toMatch(
      /saved main at cccccccccccc to directory .*store-a \(keeping the newest 3\)/,
    );
    expect((await cli(['baseline', 'list', '--store', store])).stdout).toBe('main\t1 result(s)\n');
    expect((await cli(['baseline', 'show', '--store', store, '--branch', 'main'])).stdout).toMatch(
      /cccccccccccc .* api p50 4\.000ms p99 8\.000ms 900\.0 req\/s/,
    );
  });

  it('refuses to save from a pull request and leaves the store as it was', async () => {
    const result = path.join(root, 'r2.json');
    await writeFile(result, JSON.stringify(resultWith({ p50: 4, rps: 900 }, { sha: 'd'.repeat(40) })));
    const store = path.join(root, 'store-b');
    const r = await cli(['baseline', 'save', '--store', store, '--result', result], {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/1/merge',
    });
    expect(r.code).toBe(3);
    expect(r.errors).toMatch(/baseline save refused: a pull_request event only reads baselines/);
    expect(await createDirStore(store).history('main')).toEqual([]);
  });

  it.each([
    ['corrupt', '{oops'],
    [
      'of an unknown version',
      JSON.stringify({ format: 'perfgate-baselines', version: 2, branch: 'main', entries: [] }),
    ],
  ])('exits 3 with a clear message on a %s baseline and leaves it untouched', async (_what, text) => {
    const store = path.join(root, `store-bad-${text.length}`);
    await mkdir(store, { recursive: true });
    await writeFile(path.join(store, 'main.json'), text);
    const result = path.join(root, 'r3.json');
    await writeFile(result, JSON.stringify(resultWith({ p50: 4, rps: 900 }, { sha: 'e'.repeat(40) })));
    for (const argv of [
      ['show', '--branch', 'main'],
      ['save', '--result', result],
    ]) {
      const r = await cli(['baseline', ...argv, '--store', store]);
      expect(r.code).toBe(3);
      expect(r.errors).toMatch(/main\.json: .*(not valid JSON|version 2 is not supported).*perfgate left it untouched/);
    }
    expect(await readFile(path.join(store, 'main.json'), 'utf8')).toBe(text);
  });
});

describe('perfgate run --baseline', () => {
  it('says when there is no baseline yet, saves on a trusted run, and fails on a regression against the history', async () => {
    const store = path.join(root, 'store-run');
    const out = path.join(root, 'out-run');
    const env = { GITHUB_SHA: '1'.repeat(40), GITHUB_REF_NAME: 'main' };
    const first = await cli(['run', '--config', config, '--out', out, '--baseline', store], env);
    expect(first.code).toBe(0);
    let result = await readResult(out);
    expect(result.notices.join('\n')).toMatch(/no baseline for branch main in directory .*store-run yet/);
    // Outside Actions every run saves to its own branch, and says so in the result (never silently).
    expect(result.notices.join('\n')).toMatch(
      /saved the baseline of main at 1111111 .*\(outside GitHub Actions every run saves to its own branch's history\)/,
    );
    expect((await createDirStore(store).history('main')).map((e) => e.sha[0])).toEqual(['1']);

    // Re-running the same commit: the stored baseline is its own, said as such (not "no baseline yet").
    await cli(['run', '--config', config, '--out', out, '--baseline', store], env);
    const rerun = (await readResult(out)).notices.join('\n');
    expect(rerun).toMatch(
      /the only baseline of branch main in directory .*store-run is of this same commit \(1111111\)/,
    );
    expect(rerun).not.toMatch(/no baseline for branch main/);

    // A history that was 3× faster: the next run is a clear, significant regression past 10 %.
    const fast = createDirStore(store);
    const measured = result.profiles[0]!;
    for (const i of [2, 3, 4]) {
      const r = structuredClone(result);
      r.profiles[0]!.latency = { ...measured.latency, p50: measured.latency.p50 / 3 };
      r.git.sha = String(i).repeat(40);
      await fast.save({ sha: r.git.sha, branch: 'main', savedAt: new Date().toISOString(), result: r }, 3);
    }
    const pr = {
      GITHUB_SHA: '9'.repeat(40),
      GITHUB_HEAD_REF: 'feature',
      GITHUB_BASE_REF: 'main',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/3/merge',
    };
    const second = await cli(['run', '--config', config, '--out', out, '--baseline', store], pr);
    result = await readResult(out);
    expect(second.code).toBe(1);
    expect(result.status).toBe('fail');
    expect(result.comparison).toMatchObject({ method: 'baseline', baseline: { sha: '4'.repeat(40), branch: 'main' } });
    expect(result.comparison!.metrics.find((m) => m.metric === 'p50')).toMatchObject({ verdict: 'regression' });
    expect(result.reasons.join('\n')).toMatch(/regression: api p50 \+\d+\.\d% \(ratio [23]\.\d{3}/);
    expect(result.notices.join('\n')).toMatch(/baseline not saved: a pull_request event only reads baselines/);
    expect(second.stdout).toMatch(/api\s+p50\s+.*regression/);
    const report = await readFile(path.join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/### Comparison with the baseline \(`4444444`\)/);
    expect(report).toMatch(/\| api \| p50 \| .* \| regression \|/);
    // The PR did not write: the history is the three stored results.
    expect((await createDirStore(store).history('main')).map((e) => e.sha[0])).toEqual(['2', '3', '4']);
  }, 60_000);

  it('refuses store: cache outside the action with exit 2, before any load is sent', async () => {
    // The SUT URL is a closed port: reaching the load would fail differently (exit 3).
    const cacheConfig = await writeConfig(
      root,
      `version: 1\nsut: { url: "http://127.0.0.1:9" }\nprofiles:\n  - { name: api, kind: load, duration: 1s, connections: 1, requests: [{ path: / }] }\nbaseline: { store: cache }\n`,
      'cache.yml',
    );
    const { code, errors } = await cli([
      'run',
      '--config',
      cacheConfig,
      '--baseline',
      'auto',
      '--out',
      path.join(root, 'cache-out'),
    ]);
    expect(code).toBe(2);
    expect(errors).toContain('baseline.store: "cache" needs the perfgate GitHub Action');
  });
});
