/**
 * The config `perfgate init` writes for a real project runs: a scratch copy of examples/shop with
 * a package.json start script, detected, rendered (shortened to 2 s of load), and run through the
 * CLI's front door; the SUT is booted with `npm start` and torn down again.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/read.js';
import { detectProject } from '../../src/init/detect.js';
import { renderConfig } from '../../src/init/render-config.js';
import { readResult, runCli } from '../helpers/cli.js';
import { freePort, pidsWithMarker } from '../helpers/processes.js';

describe('perfgate init, end to end', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-init-e2e-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a config for an npm project that boots it with npm start and measures it', async () => {
    await copyFile(path.resolve('examples/shop/server.mjs'), path.join(dir, 'server.mjs'));
    await writeFile(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'shop', scripts: { start: 'node server.mjs' } }),
    );
    const detected = await detectProject(dir);
    expect(detected.command.value).toBe('npm start');
    expect(detected.port).toMatchObject({ value: 3000, detected: true });
    expect(detected.portEnvReadBy).toBe('server.mjs');
    expect(detected.healthPath).toMatchObject({ value: '/health', detected: true });

    // Another port than the detected 3000, which something else on this machine may hold.
    const port = await freePort();
    const config = path.join(dir, 'perfgate.yml');
    await writeFile(
      config,
      renderConfig({ ...detected, port: { ...detected.port, value: port } }, { duration: '2s', warmup: '0s' }),
    );
    const settings = await loadSettings(config, {});
    expect(settings.config.sut).toMatchObject({ command: 'npm start', env: { PORT: String(port) } });

    const out = path.join(dir, 'out');
    const c = await runCli(['run', '-c', config, '-o', out], { cwd: dir });
    expect(c.errors).toBe('');
    expect([0, 1]).toContain(c.code);
    const result = await readResult(out);
    expect(result.profiles[0]?.requests.total).toBeGreaterThan(10);
    expect(result.profiles[0]?.errors.total).toBe(0);
    // npm puts the project's package.json path in the environment of everything it starts.
    expect(await pidsWithMarker(path.basename(dir))).toEqual([]);
  });
});
