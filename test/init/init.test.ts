/**
 * `perfgate init` without booting anything: what it reads out of a project (the start command,
 * port, PORT use, health route, install step), that the config it writes validates with the
 * project's own reader, that it never overwrites without --force, and the workflow's shape.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSettings } from '../../src/config/read.js';
import { ConfigError } from '../../src/errors.js';
import { detectProject } from '../../src/init/detect.js';
import { renderConfig } from '../../src/init/render-config.js';
import { renderWorkflow } from '../../src/init/render-workflow.js';
import { portSetByScript, SCAN_LIMIT_BYTES, scanSource } from '../../src/init/scan.js';
import { runCli } from '../helpers/cli.js';

const WORKFLOW = path.join('.github', 'workflows', 'perfgate.yml');

describe('scanSource', () => {
  it.each([
    ['app.listen(process.env.PORT || 3000)', 3000, true],
    ['const port = Number(process.env.PORT ?? 8080);', 8080, true],
    ['const port = parseInt(process.env.PORT, 10) || 4000;', 4000, true],
    ["const port = process.env['PORT'] || '5050';", 5050, true],
    ['const { PORT = 7000 } = process.env;', 7000, true],
    ['server.listen(5000, () => {});', 5000, false],
    ["await fastify.listen({ port: 3001, host: '0.0.0.0' });", 3001, false],
    ['const PORT = 8081;\napp.listen(PORT);', 8081, false],
    ['server.listen(Number(process.env.PORT ?? 0));', undefined, true],
    ['const report = { status: 200 };', undefined, false],
  ])('finds the port in %j: %s (reads PORT: %s)', (text, port, readsPortEnv) => {
    const scan = scanSource(text);
    expect(scan.port?.value).toBe(port);
    expect(scan.readsPortEnv).toBe(readsPortEnv);
  });

  it.each([
    ["app.get('/healthz', ok)", '/healthz'],
    ["if (route === 'GET /health') return ok();", '/health'],
    ['router.get(`/health?deep=1`, ok)', '/health'],
    ["app.get('/healthcheck', ok)", undefined],
    ["app.get('/api/health', ok)", undefined],
  ])('finds the health route in %j: %s', (text, healthPath) => {
    expect(scanSource(text).healthPath).toBe(healthPath);
  });

  it('reads a PORT set by the start script itself', () => {
    expect(portSetByScript('PORT=4000 node server.js')).toBe(4000);
    expect(portSetByScript('node server.js')).toBeUndefined();
  });
});

describe('perfgate init', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-init-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
  };
  const server =
    "import http from 'node:http';\nhttp.createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000);\n";

  describe('detection', () => {
    it('prefers scripts.start, scans the file it runs, and installs with npm install without a lockfile', async () => {
      await write({
        'package.json': JSON.stringify({ name: 'shop', main: 'lib.js', scripts: { start: 'node --watch server.mjs' } }),
        'server.mjs': server + "// GET '/healthz'\n",
      });
      const d = await detectProject(dir);
      expect(d.name).toBe('shop');
      expect(d.command).toEqual({ value: 'npm start', from: 'package.json scripts.start' });
      expect(d.port).toEqual({ value: 3000, detected: true, from: 'server.mjs: process.env.PORT || 3000' });
      expect(d.portEnvReadBy).toBe('server.mjs');
      expect(d.healthPath).toMatchObject({ value: '/healthz', detected: true });
      expect(d.install).toBe('npm install');
    });

    it('uses package.json main when there is no start script, and npm ci with a lockfile', async () => {
      await write({
        'package.json': JSON.stringify({ main: 'lib/app' }),
        'package-lock.json': '{}',
        'lib/app.js': 'app.listen(8080);\n',
      });
      const d = await detectProject(dir);
      expect(d.command).toEqual({ value: 'node lib/app.js', from: 'package.json main' });
      expect(d.port).toMatchObject({ value: 8080, detected: true });
      expect(d.portEnvReadBy).toBeUndefined();
      expect(d.install).toBe('npm ci');
    });

    it('falls back to a usual file name, and to defaults it says it chose', async () => {
      await write({ 'src/server.js': 'start();\n' });
      const d = await detectProject(dir);
      expect(d.command).toEqual({ value: 'node src/server.js', from: 'src/server.js exists' });
      expect(d.port).toEqual({ value: 3000, detected: false, reason: 'no listen() port found in src/server.js' });
      expect(d.healthPath).toMatchObject({ value: '/', detected: false });
      expect(d.install).toBeUndefined();
    });

    it('takes the port a start script sets and then leaves sut.env.PORT alone', async () => {
      await write({
        'package.json': JSON.stringify({ scripts: { start: 'PORT=4000 node server.js' } }),
        'server.js': server,
      });
      const d = await detectProject(dir);
      expect(d.port).toMatchObject({ value: 4000, detected: true });
      expect(d.portEnvReadBy).toBeUndefined();
    });

    it('reads only the first 200 KB of the start file', async () => {
      await write({ 'server.js': `${' '.repeat(SCAN_LIMIT_BYTES)}app.listen(8080);\n` });
      expect((await detectProject(dir)).port).toMatchObject({ value: 3000, detected: false });
    });

    it('refuses a package.json that is not JSON with a config error naming it', async () => {
      await write({ 'package.json': '{ "scripts": ' });
      await expect(detectProject(dir)).rejects.toThrow(ConfigError);
      await expect(detectProject(dir)).rejects.toThrow(/^package\.json: not valid JSON/);
    });
  });

  describe('the files it writes', () => {
    it('writes a config that validates, with npm start, PORT in sut.env and the health route', async () => {
      await write({
        'package.json': JSON.stringify({ scripts: { start: 'node server.mjs' } }),
        'server.mjs': server + "if (url === '/health') ok();\n",
      });
      const c = await runCli(['init'], { cwd: dir, env: {} });
      expect(c.code).toBe(0);
      expect(c.stdout).toBe(`wrote perfgate.yml\nwrote ${WORKFLOW}\nnext: npx perfgate run\n`);
      const { config } = await loadSettings(path.join(dir, 'perfgate.yml'), {});
      expect(config.sut.command).toBe('npm start');
      expect(config.sut.env).toEqual({ PORT: '3000' });
      expect(config.sut.url).toBe('http://127.0.0.1:3000');
      expect(config.sut.ready).toEqual({ path: '/health', timeout: 60_000 });
      const [profile] = config.profiles;
      expect(profile).toMatchObject({ kind: 'load', connections: 10, duration: 30_000, warmup: 5_000 });
      expect(profile?.kind === 'load' && profile.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /health']);
      expect(profile?.kind === 'load' && profile.slo).toEqual({ p99: 500, errorRate: 0.01 });
      expect(config.gates.regression).toEqual({ p50: 0.05, p99: 0.1, throughput: 0.05 });
    });

    it('says in the config what it detected and what it chose by default', async () => {
      await write({ 'package.json': JSON.stringify({ scripts: { start: 'node server.mjs' } }), 'server.mjs': server });
      await runCli(['init'], { cwd: dir });
      const text = await readFile(path.join(dir, 'perfgate.yml'), 'utf8');
      expect(text).toContain('# detected: npm start (package.json scripts.start)');
      expect(text).toContain('# detected: port 3000 (server.mjs: process.env.PORT || 3000)');
      expect(text).toContain('# default: / — no /health or /healthz route found in server.mjs');
    });

    it('writes the command commented out in an empty folder, still valid, and says to fill it in', async () => {
      const c = await runCli(['init'], { cwd: dir });
      expect(c.code).toBe(0);
      expect(c.log).toMatch(/warning: no start command found .*fill in sut\.command in perfgate\.yml/);
      const text = await readFile(path.join(dir, 'perfgate.yml'), 'utf8');
      expect(text).toContain('  # command: node server.js');
      const { config } = await loadSettings(path.join(dir, 'perfgate.yml'), {});
      expect(config.sut.command).toBeUndefined();
      expect(config.sut.url).toBe('http://127.0.0.1:3000');
      expect(config.sut.env).toEqual({});
    });

    it('shortens the profile when asked, for tests', () => {
      const text = renderConfig(
        {
          name: 'x',
          command: { value: 'node server.js', from: 'server.js exists' },
          port: { value: 3000, detected: false, reason: 'r' },
          healthPath: { value: '/', detected: false, reason: 'r' },
        },
        { duration: '2s', warmup: '0s' },
      );
      expect(text).toMatch(/\n {4}warmup: 0s\n {4}duration: 2s\n/);
    });

    it('writes into --dir and names the config in the next command', async () => {
      await mkdir(path.join(dir, 'api'));
      const c = await runCli(['init', '--dir', 'api'], { cwd: dir });
      expect(c.code).toBe(0);
      expect(c.stdout).toContain(`wrote ${path.join('api', 'perfgate.yml')}\n`);
      expect(c.stdout).toContain(`next: npx perfgate run --config ${path.join('api', 'perfgate.yml')}\n`);
      await loadSettings(path.join(dir, 'api', 'perfgate.yml'), {});
    });

    it('exits 2 when --dir is not a folder', async () => {
      const c = await runCli(['init', '--dir', 'missing'], { cwd: dir });
      expect(c.code).toBe(2);
      expect(c.errors).toBe('--dir: "missing" is not a folder; expected the project\'s folder');
    });
  });

  describe('existing files', () => {
    it.each([
      ['perfgate.yml', 'perfgate.yml'],
      ['the workflow', WORKFLOW],
    ])('refuses to overwrite %s (exit 2), names it, and writes neither file', async (_, existing) => {
      await write({ [existing]: 'mine\n' });
      const c = await runCli(['init'], { cwd: dir });
      expect(c.code).toBe(2);
      expect(c.errors).toBe(`${existing} already exists; delete it, or use --force to overwrite it`);
      expect(await readFile(path.join(dir, existing), 'utf8')).toBe('mine\n');
      const other = existing === WORKFLOW ? 'perfgate.yml' : WORKFLOW;
      await expect(readFile(path.join(dir, other))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('overwrites both with --force', async () => {
      await write({ 'perfgate.yml': 'mine\n', [WORKFLOW]: 'mine\n' });
      const c = await runCli(['init', '--force'], { cwd: dir });
      expect(c.code).toBe(0);
      expect(await readFile(path.join(dir, 'perfgate.yml'), 'utf8')).toContain('version: 1');
      expect(await readFile(path.join(dir, WORKFLOW), 'utf8')).toContain('mode: ab');
    });
  });

  describe('the workflow', () => {
    it('runs the action in A/B mode on pull requests, with the whole history', async () => {
      await write({ 'package.json': '{}', 'package-lock.json': '{}' });
      await runCli(['init'], { cwd: dir });
      const text = await readFile(path.join(dir, WORKFLOW), 'utf8');
      expect(text).toContain('mode: ab');
      expect(parse(text)).toEqual({
        name: 'perfgate',
        on: { pull_request: null },
        permissions: { contents: 'read', 'pull-requests': 'write' },
        jobs: {
          perf: {
            'runs-on': 'ubuntu-latest',
            steps: [
              { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
              { uses: 'actions/setup-node@v4', with: { 'node-version': 24 } },
              { run: 'npm ci' },
              { uses: 'perfgate/perfgate@v0', with: { mode: 'ab', config: 'perfgate.yml' } },
            ],
          },
        },
      });
    });

    it.each([
      ['npm install', 'npm install'],
      [undefined, undefined],
    ] as const)('installs with %s', (install, run) => {
      const steps = (parse(renderWorkflow({ install })) as { jobs: { perf: { steps: { run?: string }[] } } }).jobs.perf
        .steps;
      expect(steps.flatMap((s) => (s.run ? [s.run] : []))).toEqual(run ? [run] : []);
      expect(steps).toHaveLength(run ? 4 : 3);
    });
  });
});
