/**
 * The CLI and the action are two doors to one composition: for the same config and environment
 * they write the same result.json, field by field, with times and measured numbers excepted
 * (two runs never measure the same latency). An open model at a low rate keeps perfgate's own
 * client far from saturation, which a loaded machine could otherwise flag in one run only.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runAction } from '../helpers/action.js';
import { spawnCli } from '../helpers/cli.js';
import { freePort, pidsWithMarker } from '../helpers/processes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-doors-'));
});
afterEach(async () => {
  expect(await pidsWithMarker(path.basename(dir))).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

/** Fields whose value is a time, or a measurement encoded as a string. */
const VOLATILE = new Set(['startedAt', 'finishedAt', 'durationMs', 'startupMs', 'histogram', 'atMs']);
/** Series whose length depends on timing: only their first element's shape is compared. */
const SERIES = new Set([
  'timeline',
  'samples',
  'points',
  'steps',
  'hotFunctions',
  'bottlenecks',
  'suggestions',
  'byStatus',
]);

/** A result with every measured number replaced by its type and every time by a placeholder. */
function shape(value: unknown, key = ''): unknown {
  if (VOLATILE.has(key)) return '<time or measurement>';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return value.replace(/\d+(\.\d+)?/g, '#');
  if (Array.isArray(value))
    return SERIES.has(key) ? (value.length ? [shape(value[0])] : []) : value.map((v) => shape(v));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v, k)]));
  return value;
}

it('the CLI and the action write the same result.json for the same config', async () => {
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
  - { name: browse, kind: load, duration: 1s, rate: 50, requests: [{ path: /api/items }], slo: { p99: 1s, errorRate: 1% } }
`,
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REPOSITORY: 'o/r',
    RUNNER_NAME: 'doors-test',
    RUNNER_TEMP: dir,
  };
  const cli = await spawnCli(['run', '--config', 'perfgate.yml', '--out', 'out-cli'], {
    cwd: dir,
    env,
    timeoutMs: 60_000,
  });
  expect(cli.code, cli.stderr).toBe(0);

  const action = await runAction({
    dir,
    event: 'push',
    env: { ...env, INPUT_OUT: 'out-action', 'INPUT_GITHUB-TOKEN': '' },
  });
  expect(action.code, action.stdout).toBe(0);

  const read = async (out: string) =>
    JSON.parse(await readFile(path.join(dir, out, 'result.json'), 'utf8')) as Record<string, unknown>;
  const [fromCli, fromAction] = [await read('out-cli'), await read('out-action')];
  expect(fromCli.status).toBe('pass');
  expect(Object.keys(fromAction).sort()).toEqual(Object.keys(fromCli).sort());
  for (const key of Object.keys(fromCli)) expect(shape(fromAction[key], key), key).toEqual(shape(fromCli[key], key));
}, 90_000);
