/**
 * `baseline.store: cache` with the real @actions/cache client against a local fake of the
 * Actions cache service (Twirp calls + signed blob URLs). Each "run" is a fresh store over an
 * emptied local folder, as on a new runner.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actionsCacheTransport } from '../../src/action/cache.js';
import { cacheKeyPrefix, createCacheStore } from '../../src/baseline/cache-store.js';
import { openBaselineStore } from '../../src/baseline/index.js';
import { parseSettings } from '../../src/config/read.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { startFakeActionsCache, type FakeActionsCache } from '../fixtures/fake-actions-cache/server.js';
import { captureProcessStdout, type CapturedOutput } from '../helpers/output.js';
import { resultWith } from '../helpers/results.js';

let service: FakeActionsCache;
let workspace: string;
let actionsLog: CapturedOutput;
const saved: Record<string, string | undefined> = {};
const ENV = [
  'ACTIONS_RESULTS_URL',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_CACHE_SERVICE_V2',
  'GITHUB_WORKSPACE',
  'RUNNER_TEMP',
  'ACTIONS_CACHE_URL',
  'GITHUB_SERVER_URL',
] as const;

beforeAll(async () => {
  actionsLog = captureProcessStdout();
  service = await startFakeActionsCache();
  workspace = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cache-store-'));
  await mkdir(path.join(workspace, 'tmp'));
  for (const k of ENV) saved[k] = process.env[k];
  // @actions/cache reads these from process.env, as the runner sets them for an action.
  Object.assign(process.env, {
    ACTIONS_RESULTS_URL: service.url,
    ACTIONS_RUNTIME_TOKEN: service.token,
    ACTIONS_CACHE_SERVICE_V2: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: path.join(workspace, 'tmp'),
  });
  delete process.env.ACTIONS_CACHE_URL;
  delete process.env.GITHUB_SERVER_URL;
});
afterAll(async () => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await service.close();
  await rm(workspace, { recursive: true, force: true });
  actionsLog.restore();
});

const local = () => path.join(workspace, '.perfgate', 'baselines');
beforeEach(async () => {
  await rm(local(), { recursive: true, force: true });
});
/** A fresh runner: empty local folder, a new store, its own run id. */
const freshRun = async (run: string) => {
  await rm(local(), { recursive: true, force: true });
  return createCacheStore({ dir: local(), transport: actionsCacheTransport(), uniqueSuffix: `${run}-1` });
};
const entry = (sha: string, branch = 'main', p50 = 4) => ({
  sha,
  branch,
  savedAt: new Date().toISOString(),
  event: 'push',
  result: resultWith({ p50, rps: 1000 }, { sha, branch }),
});

describe('the Actions cache as a baseline store', () => {
  it('grows a branch history across runs, one immutable entry per save, and keeps branches apart', async () => {
    expect(await (await freshRun('100')).history('main')).toEqual([]);
    await (await freshRun('101')).save(entry('1'.repeat(40)), 50);
    await (await freshRun('102')).save(entry('2'.repeat(40), 'main', 5), 50);
    await (await freshRun('103')).save(entry('3'.repeat(40), 'main-2', 9), 50);

    const history = await (await freshRun('104')).history('main');
    expect(history.map((e) => e.sha[0])).toEqual(['1', '2']);
    expect(history[1]!.result.profiles[0]!.latency.p50).toBe(5);
    expect(history[0]!.result.profiles[0]!.histogram).toMatch(/^HISTF/);
    expect((await (await freshRun('105')).history('main-2')).map((e) => e.sha[0])).toEqual(['3']);

    const keys = service.entries.filter((e) => e.finalized).map((e) => e.key);
    expect(keys).toEqual([
      `perfgate-baselines/v1/main/${'1'.repeat(40)}/101-1`,
      `perfgate-baselines/v1/main/${'2'.repeat(40)}/102-1`,
      `perfgate-baselines/v1/main-2/${'3'.repeat(40)}/103-1`,
    ]);
    // Reads ask for the branch's prefix, so the newest entry of that branch — never main-2's — is restored.
    const reads = service.calls.filter((c) => c.method === 'GetCacheEntryDownloadURL').map((c) => c.body.restore_keys);
    expect(reads).toContainEqual([cacheKeyPrefix('main')]);
    expect(cacheKeyPrefix('feature/x,y')).toBe('perfgate-baselines/v1/feature%2Fx%2Cy/');
  }, 30_000);

  it('keeps only the newest `history` results', async () => {
    for (const [i, sha] of ['a', 'b', 'c'].entries())
      await (await freshRun(`20${i}`)).save(entry(sha.repeat(40), 'trim'), 2);
    expect((await (await freshRun('210')).history('trim')).map((e) => e.sha[0])).toEqual(['b', 'c']);
  }, 30_000);

  it('says so when the service refuses a save, instead of pretending the history grew', async () => {
    await (await freshRun('300')).save(entry('d'.repeat(40), 'dup'), 50);
    // The same run saving the same commit again asks for an existing key: the service answers 409.
    const again = await freshRun('300');
    await expect(again.save(entry('d'.repeat(40), 'dup'), 50)).rejects.toThrow(
      /the Actions cache did not store perfgate-baselines\/v1\/dup\//,
    );
  }, 30_000);

  it('fails closed on a corrupt restored history and adds no entry over it', async () => {
    const transport = actionsCacheTransport();
    const dir = path.join(local(), 'bad');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'bad.json'), '{"format":"perfgate-baselines","version":1,');
    await transport.save(dir, `${cacheKeyPrefix('bad')}${'e'.repeat(40)}/400-1`);
    const before = service.entries.length;
    await expect((await freshRun('401')).history('bad')).rejects.toThrow(DataError);
    await expect((await freshRun('402')).save(entry('f'.repeat(40), 'bad'), 50)).rejects.toThrow(/not valid JSON/);
    expect(service.entries.length).toBe(before);
  }, 30_000);

  it('is a usage error outside the action, and names the field', () => {
    const settings = parseSettings(
      `version: 1\nsut: { url: "http://127.0.0.1:9" }\nprofiles: [{ name: p, kind: load, duration: 1s, connections: 1, requests: [{ path: / }] }]\nbaseline: { store: cache }\n`,
      path.join(workspace, 'perfgate.yml'),
      {},
    );
    expect(() => openBaselineStore(settings, 'auto', workspace, { env: {} })).toThrow(ConfigError);
    expect(() => openBaselineStore(settings, 'auto', workspace, { env: {} })).toThrow(
      /baseline\.store: "cache" needs the perfgate GitHub Action/,
    );
  });
});
