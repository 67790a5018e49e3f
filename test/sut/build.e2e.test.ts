/**
 * sut.build: run in the SUT's folder with the SUT's environment before the first start (not
 * timed), its output in build.log; a failing or overrunning build stops the run with exit 3, the
 * log's last lines (masked) and no process left behind.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConfig } from '../helpers/cli.js';
import { freePort, pidsWithMarker } from '../helpers/processes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-build-'));
});
afterEach(async () => {
  expect(await pidsWithMarker(path.basename(dir))).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

async function config(build: string, extra = ''): Promise<string> {
  const port = await freePort();
  await writeFile(
    path.join(dir, 'server.mjs'),
    `import http from 'node:http';
import { readFileSync } from 'node:fs';
const built = readFileSync(new URL('./built.txt', import.meta.url), 'utf8');
http.createServer((req, res) => res.end(built)).listen(Number(process.env.PORT), '127.0.0.1');
`,
  );
  return `version: 1
sut:
  command: node server.mjs
  build: ${JSON.stringify(build)}
  env: { PORT: "${port}", MARKER: "${path.basename(dir)}", API_KEY: "hunter2-secret-value" }
  url: http://127.0.0.1:${port}
  ready: { timeout: 10s }
${extra}
profiles:
  - { name: p, kind: load, duration: 1s, connections: 2 }
`;
}

describe('sut.build', () => {
  it('runs before the SUT starts, in its folder and environment, and is logged', async () => {
    const run = await runConfig(dir, await config('echo "built with $PORT" > built.txt && echo building'));
    expect(run.code, run.log).toBe(0);
    expect(await readFile(path.join(dir, 'built.txt'), 'utf8')).toMatch(/^built with \d+/);
    expect(await readFile(path.join(dir, 'out', 'build.log'), 'utf8')).toBe('building\n');
    expect(run.log).toMatch(/preparing the checkout: echo .* \(in .*; not timed\)/);
  }, 30_000);

  it('stops the run with exit 3 and the masked end of its log when it fails; the SUT never starts', async () => {
    const run = await runConfig(dir, await config('echo "key is $API_KEY"; exit 7'));
    expect(run.code).toBe(3);
    const text = run.stdout + run.log;
    expect(text, text).toMatch(/the build of the checkout "echo .*" in .* exited with code 7/);
    expect(text).not.toContain('hunter2-secret-value');
    expect(await readFile(path.join(dir, 'out', 'build.log'), 'utf8')).not.toContain('hunter2-secret-value');
    expect(run.result?.status).toBe('error');
  }, 30_000);

  it('is ended with its whole process group at sut.buildTimeout', async () => {
    const started = Date.now();
    const run = await runConfig(dir, await config('sleep 30 & sleep 30; echo never', '  buildTimeout: 1s'));
    expect(run.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.stdout).toMatch(/took longer than 1s \(sut\.buildTimeout\)/);
    expect(existsSync(path.join(dir, 'built.txt'))).toBe(false);
  }, 30_000);
});
