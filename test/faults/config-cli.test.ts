/**
 * Fault suite (issue 15, case 13) through the CLI: a YAML alias bomb and an --out that names a
 * file are config errors (exit 2) that name the file or the flag, found before anything runs.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, writeConfig } from '../helpers/cli.js';

// No sut.command and a port nothing listens on: if a check came too late, the run would fail
// with exit 3 (SUT not ready) instead of the expected exit 2.
const CONFIG = `version: 1
sut:
  url: http://127.0.0.1:9
  ready: { timeout: 200ms }
profiles:
  - { name: api, kind: load, duration: 1s }
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-faults-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('config errors found before anything runs (case 13)', () => {
  it('run --out naming an existing file exits 2 naming --out', async () => {
    const config = await writeConfig(dir, CONFIG);
    await writeFile(path.join(dir, 'report.txt'), 'keep me');
    const run = await runCli(['run', '--config', config, '--out', 'report.txt'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.errors).toContain('--out: "report.txt" is a file; expected a folder');
  });

  it('ab --out naming an existing file exits 2 naming --out', async () => {
    for (const side of ['base', 'head']) {
      await mkdir(path.join(dir, side));
      await writeConfig(path.join(dir, side), CONFIG);
    }
    await writeFile(path.join(dir, 'ab.txt'), 'keep me');
    const run = await runCli(['ab', '--base', 'base', '--head', 'head', '--out', 'ab.txt'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.errors).toContain('--out: "ab.txt" is a file; expected a folder');
  });

  it('a YAML alias bomb in perfgate.yml exits 2 naming perfgate.yml', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const config = await writeConfig(dir, `${CONFIG}bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
    const run = await runCli(['run', '--config', config, '--out', 'out'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.errors).toContain('perfgate.yml: ');
  });
});
