import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, writeConfig } from '../helpers/cli.js';

describe('perfgate CLI', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints usage and exits 2 without a command', async () => {
    const c = await runCli([], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.stdout).toMatch(/Usage: perfgate <command>[\s\S]*run/);
  });

  it('documents every flag of run in --help', async () => {
    const c = await runCli(['run', '--help'], { cwd: dir });
    expect(c.code).toBe(0);
    for (const flag of ['--config', '--out', '--profile', '--no-html', '--verbose']) expect(c.stdout).toContain(flag);
  });

  it('rejects an unknown command with exit code 2 and the list of commands', async () => {
    const c = await runCli(['rnu'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.log).toContain('unknown command "rnu"; expected one of run');
  });

  it('rejects an unknown flag with exit code 2', async () => {
    const c = await runCli(['run', '--confg', 'x.yml'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.log).toContain("Unknown option '--confg'");
  });

  it('exits 2 with the field named when the config is invalid, before starting anything', async () => {
    await writeConfig(
      dir,
      'version: 1\nsut: { url: http://127.0.0.1:1 }\nprofiles:\n  - { name: a, kind: load, duration: soon }\n',
    );
    const c = await runCli(['run'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.log).toContain('profiles[0].duration: "soon" is not a duration');
  });

  it('exits 2 when the config file is missing', async () => {
    const c = await runCli(['run', '--config', 'nope.yml'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.log).toContain('--config: cannot read "');
  });

  it('refuses a target outside loopback that is not allowed, with exit code 2', async () => {
    await writeConfig(
      dir,
      'version: 1\nsut: { url: "http://203.0.113.7:8080" }\nprofiles:\n  - { name: a, kind: load, duration: 1s }\n',
    );
    const c = await runCli(['run'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.log).toMatch(/203\.0\.113\.7[\s\S]*targets\.allow/);
  });

  it('prints the JSON Schema of perfgate.yml', async () => {
    const c = await runCli(['schema'], { cwd: dir });
    expect(c.code).toBe(0);
    const schema = JSON.parse(c.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'sut', 'profiles', 'targets']));
  });
});
