import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { Logger } from '../../src/log/logger.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const logger: Logger = {
    info: (m) => err.push(m),
    warn: (m) => err.push(`warning: ${m}`),
    error: (m) => err.push(`error: ${m}`),
    debug: () => {},
    progress: () => {},
  };
  return { out, err, io: { stdout: (t: string) => void out.push(t), logger } };
}

describe('perfgate CLI', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints usage and exits 2 without a command', async () => {
    const c = capture();
    expect(await main([], { ...c.io, cwd: dir })).toBe(2);
    expect(c.out.join('\n')).toMatch(/Usage: perfgate <command>[\s\S]*run/);
  });

  it('documents every flag of run in --help', async () => {
    const c = capture();
    expect(await main(['run', '--help'], { ...c.io, cwd: dir })).toBe(0);
    for (const flag of ['--config', '--out', '--profile', '--no-html', '--verbose']) expect(c.out.join('\n')).toContain(flag);
  });

  it('rejects an unknown command with exit code 2 and the list of commands', async () => {
    const c = capture();
    expect(await main(['rnu'], { ...c.io, cwd: dir })).toBe(2);
    expect(c.err.join('\n')).toContain('unknown command "rnu"; expected one of run');
  });

  it('rejects an unknown flag with exit code 2', async () => {
    const c = capture();
    expect(await main(['run', '--confg', 'x.yml'], { ...c.io, cwd: dir })).toBe(2);
    expect(c.err.join('\n')).toContain("Unknown option '--confg'");
  });

  it('exits 2 with the field named when the config is invalid, before starting anything', async () => {
    await writeFile(path.join(dir, 'perfgate.yml'), 'version: 1\nsut: { url: http://127.0.0.1:1 }\nprofiles:\n  - { name: a, kind: load, duration: soon }\n');
    const c = capture();
    expect(await main(['run'], { ...c.io, cwd: dir })).toBe(2);
    expect(c.err.join('\n')).toContain('profiles[0].duration: "soon" is not a duration');
  });

  it('exits 2 when the config file is missing', async () => {
    const c = capture();
    expect(await main(['run', '--config', 'nope.yml'], { ...c.io, cwd: dir })).toBe(2);
    expect(c.err.join('\n')).toContain('--config: cannot read "');
  });

  it('refuses a target outside loopback that is not allowed, with exit code 2', async () => {
    await writeFile(path.join(dir, 'perfgate.yml'), 'version: 1\nsut: { url: "http://203.0.113.7:8080" }\nprofiles:\n  - { name: a, kind: load, duration: 1s }\n');
    const c = capture();
    expect(await main(['run'], { ...c.io, cwd: dir })).toBe(2);
    expect(c.err.join('\n')).toMatch(/203\.0\.113\.7[\s\S]*targets\.allow/);
  });

  it('prints the JSON Schema of perfgate.yml', async () => {
    const c = capture();
    expect(await main(['schema'], { ...c.io, cwd: dir })).toBe(0);
    const schema = JSON.parse(c.out.join('')) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'sut', 'profiles', 'targets']));
  });
});
