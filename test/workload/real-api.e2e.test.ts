/**
 * Real workloads (issue 13) against a server that behaves like a real API
 * (examples/api/server.mjs): a login in setup whose JWT is captured, authenticated reads
 * and creates with unique titles from {{uuid}} and a CSV of titles, response checks, per-endpoint
 * results; and the secrets of the run (the password from ${CONDUIT_PASSWORD}, the captured token)
 * nowhere in what perfgate wrote or printed.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConfig } from '../helpers/cli.js';
import { freePort } from '../helpers/processes.js';

const CONDUIT = fileURLToPath(new URL('../../examples/api/server.mjs', import.meta.url));
const PASSWORD = 'planted-conduit-password-7777';
/** Every JWT of the fixture starts with this header ({"alg":"HS256","typ":"JWT"} in base64url). */
const JWT_PREFIX = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-real-api-'));
  await writeFile(
    path.join(dir, 'titles.csv'),
    'title,topic\nfirst post,news\nsecond post,dev\n"a, quoted one",misc\n',
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function config(requests: string, extra = ''): Promise<string> {
  const port = await freePort();
  return `version: 1
sut:
  command: node ${CONDUIT}
  env: { PORT: "${port}", CONDUIT_PASSWORD: "\${CONDUIT_PASSWORD}" }
  url: http://127.0.0.1:${port}
  ready: { path: /health, timeout: 10s }
monitor: { enabled: false }
variables: { tag: perf }
profiles:
  - name: member
    kind: load
    connections: 2
    duration: 2s
    slo: { errorRate: 1% }
${extra}
    requests:
${requests}
`;
}

const LOGIN = `    setup:
      - name: login
        method: POST
        path: /api/users/login
        body: { user: { email: "user1@demo.test", password: "\${CONDUIT_PASSWORD}" } }
        capture: { token: "$.user.token" }
        check: { status: 200 }
    data: { file: titles.csv, order: random }`;

const MEMBER_REQUESTS = (auth: string) => `      - name: me
        path: /api/user
        headers: { authorization: "${auth}" }
        check: { status: 200, json: { "$.user.email": exists } }
      - name: create
        method: POST
        path: /api/articles
        headers: { authorization: "${auth}" }
        body: { article: { title: "{{title}} {{uuid}}", description: d, body: b, tagList: ["{{tag}}", "{{tag}}-{{seq}}"] } }
        check: { status: [201] }
      - name: list
        path: /api/articles?limit=10
        check: { status: 2xx }`;

const env = () => ({ ...process.env, CONDUIT_PASSWORD: PASSWORD });

async function allFiles(root: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) out.push([entry.name, await readFile(path.join(entry.parentPath, entry.name), 'utf8')]);
  return out;
}

describe('a logged-in workload on a real API', () => {
  it('logs in during setup, reads and creates with unique titles, and has 0 errors per endpoint', async () => {
    const run = await runConfig(dir, await config(MEMBER_REQUESTS('Token {{token}}'), LOGIN), { env: env() });
    expect(run.code, run.log).toBe(0);
    const profile = run.result?.profiles[0];
    expect(profile?.errors.total).toBe(0);
    expect(profile?.requests.total).toBeGreaterThan(30);
    const endpoints = profile?.endpoints ?? [];
    expect(endpoints.map((e) => [e.name, e.method, e.path])).toEqual([
      ['me', 'GET', '/api/user'],
      ['create', 'POST', '/api/articles'],
      ['list', 'GET', '/api/articles?limit=10'],
    ]);
    for (const e of endpoints) {
      expect(e.errors.total, e.name).toBe(0);
      expect(e.requests.ok, e.name).toBeGreaterThan(5);
      expect(e.histogram, e.name).toBeTruthy();
    }
    expect(endpoints.reduce((s, e) => s + e.requests.total, 0)).toBe(profile?.requests.total);
    // The report breaks the profile down by endpoint; so does the console table.
    const report = await readFile(path.join(run.out, 'report.md'), 'utf8');
    expect(report).toMatch(/\| endpoint +\| requests \|.*\| first failure \|/);
    for (const name of ['me', 'create', 'list']) expect(report).toMatch(new RegExp(`\\| ✅ ${name} +\\|`));
    expect(run.stdout).toMatch(/ › create /);

    // Neither the password nor the captured token is anywhere perfgate wrote or printed.
    const written = [...(await allFiles(run.out)), ['stdout', run.stdout], ['log', run.log]] as [string, string][];
    const leaks = written.filter(([, text]) => text.includes(PASSWORD) || text.includes(JWT_PREFIX));
    expect(leaks.map(([name]) => name)).toEqual([]);
  }, 60_000);

  it('logs each virtual user in on its own with setupScope: connection', async () => {
    const login = LOGIN.replace('    setup:', '    setupScope: connection\n    setup:');
    const run = await runConfig(dir, await config(MEMBER_REQUESTS('Token {{token}}'), login), { env: env() });
    expect(run.code, run.log).toBe(0);
    expect(run.log).toContain('profile member: setup done for 2 virtual users');
    expect(run.result?.profiles[0]?.errors.total).toBe(0);
    expect(run.result?.profiles[0]?.requests.ok).toBeGreaterThan(30);
  }, 60_000);

  it('without the token: the authenticated routes answer only 4xx, the public one passes', async () => {
    const run = await runConfig(dir, await config(MEMBER_REQUESTS('Token not-a-token'), LOGIN), { env: env() });
    expect(run.code).toBe(1);
    const profile = run.result?.profiles[0];
    const byName = Object.fromEntries((profile?.endpoints ?? []).map((e) => [e.name, e]));
    for (const name of ['me', 'create']) {
      expect(byName[name]?.requests.ok, name).toBe(0);
      expect(byName[name]?.errors.total, name).toBe(byName[name]?.errors.byClass['4xx']);
      expect(byName[name]?.errors.byStatus, name).toEqual({ '401': byName[name]?.errors.total });
    }
    expect(byName.list?.errors.total).toBe(0);
    expect(profile?.errors.byClass).toMatchObject({ '5xx': 0, timeout: 0, reset: 0, check: 0, other: 0 });
    expect(profile?.errors.total).toBe(profile?.errors.byClass['4xx']);
  }, 60_000);

  it('counts a 200 with an error body as a failed check (class check), names the endpoint, and fails the gate', async () => {
    const requests = `      - name: flaky
        path: /api/flaky
        check: { status: 200, json: { "$.errors": { body: [] } } }
      - name: articles
        path: /api/articles
        check: { json: { "$.articlesCount": exists } }`;
    const run = await runConfig(dir, await config(requests), { env: env() });
    expect(run.code).toBe(1);
    const profile = run.result?.profiles[0];
    const [flaky, articles] = profile?.endpoints ?? [];
    expect(flaky?.errors.byClass.check).toBe(flaky?.requests.total);
    expect(flaky?.errors.byStatus).toEqual({});
    expect(flaky?.errors.samples[0]).toMatch(/^check: .*\$\.errors/);
    expect(articles?.errors.total).toBe(0);
    expect(profile?.errors.samples.some((s) => s.startsWith('flaky: check:'))).toBe(true);
    expect(await readFile(path.join(run.out, 'report.md'), 'utf8')).toMatch(/\| ❌ flaky +\|.*check \d+.*`check: /);
    expect(profile?.reasons.join('\n')).toMatch(/errorRate/);
  }, 60_000);

  it('masks a captured token that a failed setup check quotes (the login answered 200, 201 was expected)', async () => {
    const text = (await config(MEMBER_REQUESTS('Token {{token}}'), LOGIN)).replace(
      'check: { status: 200 }',
      'check: { status: 201 }',
    );
    const run = await runConfig(dir, text, { env: env() });
    expect(run.code).toBe(1);
    expect(run.result?.profiles[0]?.reasons[0]).toMatch(
      /^setup request login \(profiles\[0\]\.setup\[0\]\) failed its check: expected status 201, got 200; body: .*\*\*\*/,
    );
    const written = [...(await allFiles(run.out)), ['stdout', run.stdout], ['log', run.log]] as [string, string][];
    expect(written.filter(([, t]) => t.includes(JWT_PREFIX) || t.includes(PASSWORD)).map(([name]) => name)).toEqual([]);
  }, 60_000);

  it('fails the profile before any load when the login fails, saying which request and why', async () => {
    // The SUT gets the right password; the login sends a wrong one.
    const text = (await config(MEMBER_REQUESTS('Token {{token}}'), LOGIN)).replace(
      'password: "${CONDUIT_PASSWORD}"',
      'password: "wrong-password"',
    );
    const run = await runConfig(dir, text, { env: env() });
    expect(run.code).toBe(1);
    const profile = run.result?.profiles[0];
    expect(profile?.status).toBe('fail');
    expect(profile?.requests.total).toBe(0);
    expect(profile?.reasons[0]).toMatch(
      /^setup request login \(profiles\[0\]\.setup\[0\]\) failed its check: expected status 200, got 401/,
    );
  }, 90_000);
});
