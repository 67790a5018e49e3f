/**
 * Issue 13: `${API_TOKEN}` in a header was sent as written (6,739 × 401, and the run printed
 * PASS). Now it is resolved from the environment, a missing one stops the run before any load
 * (exit 2), and the value never appears in anything perfgate writes or prints: every file of the
 * output folder, stdout, the log, and in the action its outputs and job summary, are searched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/action.js';
import { runConfig } from '../helpers/cli.js';
import { freePort, pidsWithMarker } from '../helpers/processes.js';

const API_TOKEN = 'e2e-api-token-7f3c9a51';
/** A name that does not say "secret": only interpolation makes its value one. The quote tests the JSON form. */
const SHOP_SESSION = 'shop"session-4f2a9c';

/**
 * A loopback API that answers 401 unless `authorization: Bearer <token>` (its /health is public).
 * It counts the requests with the right token, with a wrong one (`Bearer ${API_TOKEN}` as
 * written), and with none (perfgate's HTTP hygiene probe sends a plain GET after the load).
 */
async function startApi(token: string) {
  const seen = { authorized: 0, refused: 0, anonymous: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/health') return void res.end('ok');
    const ok = req.headers.authorization === `Bearer ${token}`;
    seen[ok ? 'authorized' : req.headers.authorization === undefined ? 'anonymous' : 'refused']++;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(ok ? '{"items":[]}' : '{"error":"unauthorized"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Every file below `root`, as text. */
async function allFiles(root: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push([file, await readFile(file, 'utf8')]);
  }
  return out;
}

/** Where any of `needles` (or a tell-tale piece of one) appears. */
function leaks(texts: Iterable<[string, string]>, needles: string[]): string[] {
  const found: string[] = [];
  for (const [where, text] of texts) for (const s of needles) if (text.includes(s)) found.push(`${s} in ${where}`);
  return found;
}

const profile = (headers: string, extra = '') => `profiles:
  - name: api
    kind: load
    duration: 2s
    connections: 2
    requests:
      - path: /api/items
        headers: { authorization: "Bearer \${${headers}}" }${extra}
    slo: { errorRate: 0% }
`;

let dir: string;
let api: Awaited<ReturnType<typeof startApi>> | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-env-secrets-'));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  expect(await pidsWithMarker(path.basename(dir))).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

describe('${NAME} from the environment', () => {
  it('sends the token from the environment, gets no error, and writes or prints it nowhere', async () => {
    api = await startApi(API_TOKEN);
    const run = await runConfig(
      dir,
      `version: 1\nsut: { url: "${api.url}", ready: { path: /health, timeout: 10s } }\n${profile('API_TOKEN')}`,
      {
        env: { ...process.env, API_TOKEN },
      },
    );
    expect(run.code, run.log).toBe(0);
    const p = run.result?.profiles[0];
    expect(p?.requests.total).toBeGreaterThan(0);
    expect(p?.errors.total).toBe(0);
    expect(api.seen.refused).toBe(0);
    expect(api.seen.authorized).toBeGreaterThanOrEqual(p?.requests.total ?? Infinity);
    const files = await allFiles(run.out);
    expect(files.map(([f]) => path.basename(f))).toEqual(
      expect.arrayContaining(['result.json', 'report.md', 'report.html']),
    );
    expect(leaks([...files, ['stdout', run.stdout], ['log', run.log]], [API_TOKEN])).toEqual([]);
  });

  it('stops before any load when the variable is missing: exit 2, naming the field and the variable', async () => {
    api = await startApi(API_TOKEN);
    const env = { ...process.env };
    delete env.API_TOKEN;
    const run = await runConfig(
      dir,
      `version: 1\nsut: { url: "${api.url}", ready: { path: /health, timeout: 10s } }\n${profile('API_TOKEN')}`,
      { env },
    );
    expect(run.code).toBe(2);
    expect(run.errors).toContain(
      'profiles[0].requests[0].headers.authorization: ${API_TOKEN} is not set (perfgate.yml:10)',
    );
    expect(run.errors).toContain('env: { API_TOKEN: ${{ secrets.API_TOKEN }} }');
    expect(run.result).toBeUndefined();
    expect(api.seen).toEqual({ authorized: 0, refused: 0, anonymous: 0 });
  });

  it('masks the value in the message of an error that ends the run', async () => {
    // Refused before any traffic: an IP address that is not loopback is not even looked up.
    const yaml = `version: 1\nsut: { url: "http://\${API_HOST}:9" }\n${profile('API_TOKEN')}`;
    const run = await runConfig(dir, yaml, { env: { ...process.env, API_HOST: '10.255.255.1', API_TOKEN } });
    expect(run.code).toBe(2);
    expect(run.errors).toContain('sut.url: host *** is not loopback and not in targets.allow');
    expect(
      leaks(
        [
          ['stdout', run.stdout],
          ['log', run.log],
        ],
        ['10.255.255.1'],
      ),
    ).toEqual([]);
  });

  it("masks a value of any name in the SUT's log, as the SUT prints it and as a JSON body carries it", async () => {
    const port = await freePort();
    await writeFile(
      path.join(dir, 'api.mjs'),
      `import http from 'node:http';
let logged = false;
http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    if (req.url === '/health') return void res.end('ok');
    if (!logged) { logged = true; console.log('authorization: ' + req.headers.authorization + ' body: ' + body); }
    const ok = req.headers.authorization === 'Bearer ' + process.env.EXPECTED_BEARER;
    res.writeHead(ok ? 200 : 401).end();
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`,
    );
    const yaml = `version: 1
sut:
  command: node api.mjs
  env: { PORT: "${port}", MARKER: "${path.basename(dir)}", EXPECTED_BEARER: "\${SHOP_SESSION}" }
  url: http://127.0.0.1:${port}
  ready: { path: /health, timeout: 10s }
${profile('SHOP_SESSION', '\n        method: POST\n        body: { session: "${SHOP_SESSION}" }')}`;
    const run = await runConfig(dir, yaml, { env: { ...process.env, SHOP_SESSION } });
    expect(run.code, run.log).toBe(0);
    expect(run.result?.profiles[0]?.errors.total).toBe(0);
    const log = await readFile(path.join(run.out, 'sut.log'), 'utf8');
    expect(log).toContain('authorization: Bearer *** body: {"session":"***"}');
    const needles = [SHOP_SESSION, JSON.stringify(SHOP_SESSION).slice(1, -1), 'session-4f2a9c'];
    expect(leaks([...(await allFiles(run.out)), ['stdout', run.stdout], ['log', run.log]], needles)).toEqual([]);
  });

  it('registers the value with the runner in the action (::add-mask::) and prints it nowhere else', async () => {
    api = await startApi(SHOP_SESSION);
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      `version: 1\nsut: { url: "${api.url}", ready: { path: /health, timeout: 10s } }\n${profile('SHOP_SESSION')}`,
    );
    const run = await runAction({ dir, event: 'push', env: { SHOP_SESSION, 'INPUT_GITHUB-TOKEN': '' } });
    expect(run.code, run.stdout).toBe(0);
    expect(api.seen.refused).toBe(0);
    expect(api.seen.authorized).toBeGreaterThan(0);
    expect(run.stdout).toContain(`::add-mask::${SHOP_SESSION}`);
    const printed = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    const texts: [string, string][] = [
      ...(await allFiles(path.join(dir, 'out'))),
      ['stdout', printed],
      ['job summary', run.summary],
      ['outputs', run.outputs],
    ];
    expect(leaks(texts, [SHOP_SESSION, 'session-4f2a9c'])).toEqual([]);
  });
});
