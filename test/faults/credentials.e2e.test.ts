/**
 * Issue 15, case 1: the runner's credentials never reach the SUT, and no secret perfgate knows
 * of is published. The SUT prints its environment and crashes (so its log tail goes into the
 * result, the reports, the job summary and the comment); then every file perfgate wrote and
 * everything it printed is searched for the planted values.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../fixtures/fake-github/server.js';
import { runAction } from '../helpers/action.js';
import { runConfig } from '../helpers/cli.js';
import { freePort, pidsWithMarker } from '../helpers/processes.js';

const PLANTED = {
  MY_API_TOKEN: 'planted-inherited-token-1111',
  ACTIONS_RUNTIME_TOKEN: 'planted-runtime-token-2222',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'planted-oidc-token-3333',
  PLAIN_SETTING: 'plain-value-not-inherited-4444',
};
const DB_PASSWORD = 'planted-db-password-5555';
const SUT_SECRET = 'planted-sut-secret-6666';
const SECRETS = [
  PLANTED.MY_API_TOKEN,
  PLANTED.ACTIONS_RUNTIME_TOKEN,
  PLANTED.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
  DB_PASSWORD,
  SUT_SECRET,
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-secrets-'));
  // Prints what it was given, serves for a moment, then crashes: its output ends up in the result.
  await writeFile(
    path.join(dir, 'leaky.mjs'),
    `import http from 'node:http';
for (const k of ['MY_API_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'PLAIN_SETTING', 'DATABASE_URL', 'APP_SECRET'])
  console.log(k + '=[' + (process.env[k] ?? '') + ']');
http.createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
if (!process.argv.includes('--stay')) setTimeout(() => { console.error('fatal: lost ' + process.env.DATABASE_URL + ' with ' + process.env.MY_API_TOKEN); process.exit(7); }, 1500);
`,
  );
});
afterEach(async () => {
  expect(await pidsWithMarker(path.basename(dir))).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

async function config(): Promise<string> {
  const port = await freePort();
  return `version: 1
sut:
  command: node leaky.mjs
  env: { PORT: "${port}", MARKER: "${path.basename(dir)}", DATABASE_URL: "postgres://app:${DB_PASSWORD}@127.0.0.1:5432/app", APP_SECRET: "${SUT_SECRET}" }
  inheritEnv: [MY_API_TOKEN]
  url: http://127.0.0.1:${port}
  ready: { timeout: 10s }
profiles:
  - { name: api, kind: load, duration: 3s, connections: 1 }
`;
}

/** Every file below `root`, as text. */
async function allFiles(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.set(file, await readFile(file, 'utf8'));
  }
  return out;
}

function leaks(texts: Iterable<[string, string]>): string[] {
  const found: string[] = [];
  for (const [where, text] of texts) for (const s of SECRETS) if (text.includes(s)) found.push(`${s} in ${where}`);
  return found;
}

describe('the SUT and the secrets of the run', () => {
  it('gives the SUT no runner credential and nothing it was not allowed, and publishes no secret (CLI)', async () => {
    const run = await runConfig(dir, await config(), { env: { ...process.env, ...PLANTED } });
    expect(run.code).toBe(3);
    const log = await readFile(path.join(run.out, 'sut.log'), 'utf8');
    expect(log).toContain('ACTIONS_RUNTIME_TOKEN=[]');
    expect(log).toContain('ACTIONS_ID_TOKEN_REQUEST_TOKEN=[]');
    expect(log).toContain('PLAIN_SETTING=[]');
    // Allowed (sut.inheritEnv, sut.env) and so printed by the SUT, but masked wherever perfgate writes it.
    expect(log).toContain('MY_API_TOKEN=[***]');
    expect(log).toContain('DATABASE_URL=[postgres://app:***@127.0.0.1:5432/app]');
    expect(run.result?.sut.logTail).toContain('fatal: lost postgres://app:***@127.0.0.1:5432/app with ***');
    const files = await allFiles(run.out);
    expect([...files.keys()].map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['result.json', 'report.md', 'report.html', 'sut.log']),
    );
    expect(leaks([...files, ['stdout', run.stdout], ['log', run.log]])).toEqual([]);
  }, 60_000);

  it('stores no secret in a saved baseline (a passing run whose command line holds one)', async () => {
    const text = (await config()).replace(
      'command: node leaky.mjs',
      `command: node leaky.mjs --stay --api-key ${SUT_SECRET}`,
    );
    const store = path.join(dir, 'baselines');
    const run = await runConfig(dir, text, {
      args: ['--baseline', store],
      env: { ...process.env, ...PLANTED, GITHUB_ACTIONS: '', GITHUB_SHA: 'b'.repeat(40), GITHUB_REF_NAME: 'main' },
    });
    expect(run.code, run.log).toBe(0);
    expect(run.log).toContain('saved the baseline of main');
    expect(run.result?.sut.command).toBe('node leaky.mjs --stay --api-key ***');
    const files = await allFiles(store);
    expect(files.size).toBeGreaterThan(0);
    expect(leaks([...files, ...(await allFiles(run.out)), ['stdout', run.stdout], ['log', run.log]])).toEqual([]);
  }, 60_000);

  it('refuses to hand a runner credential to the SUT even when the config names it', async () => {
    const text = (await config()).replace('inheritEnv: [MY_API_TOKEN]', 'inheritEnv: [ACTIONS_RUNTIME_TOKEN]');
    const run = await runConfig(dir, text, { env: { ...process.env, ...PLANTED } });
    expect(run.code).toBe(2);
    expect(run.errors).toMatch(
      /sut\.inheritEnv\[0\]: "ACTIONS_RUNTIME_TOKEN" is a credential of the runner or of perfgate itself/,
    );
  });

  describe('in the action, on a pull request', () => {
    let gh: FakeGitHub;
    beforeEach(async () => {
      gh = await startFakeGitHub();
    });
    afterEach(async () => {
      await gh.close();
    });

    it('publishes no secret in the comment, the job summary, the outputs or its log', async () => {
      await writeFile(path.join(dir, 'perfgate.yml'), await config());
      const run = await runAction({
        dir,
        event: 'pull_request',
        payload: { number: 12, pull_request: { number: 12, head: { sha: 'c'.repeat(40) } } },
        apiUrl: gh.url,
        env: PLANTED,
      });
      const stdout = run.stdout;
      const comments = gh.issues.get(12)?.comments ?? [];
      expect(comments).toHaveLength(1);
      expect(comments[0]?.body).toContain('***');
      // The runner masks what ::add-mask:: registers: those lines carry the secret by design.
      const printed = stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n');
      expect(stdout).toContain(`::add-mask::${PLANTED.ACTIONS_RUNTIME_TOKEN}`);
      const written = await allFiles(path.join(dir, 'out'));
      const texts: [string, string][] = [
        ...written,
        ['stdout', printed],
        ['job summary', run.summary],
        ['outputs', run.outputs],
        ...comments.map((c, i): [string, string] => [`comment ${i}`, c.body]),
      ];
      expect(leaks(texts)).toEqual([]);
    }, 60_000);
  });
});
