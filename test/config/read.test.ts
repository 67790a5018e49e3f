import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings, parseSettings } from '../../src/config/read.js';
import { ExitCode } from '../../src/errors.js';
import { configErrorOf } from '../helpers/config.js';

const minimal = `version: 1
sut:
  url: http://127.0.0.1:3000
profiles:
  - name: smoke
    kind: load
`;

const errorOf = (yaml: string) => configErrorOf(yaml);

describe('parseSettings', () => {
  it('fills defaults and converts units', () => {
    const s = parseSettings(
      `${minimal}    duration: 2m\n    warmup: 5s\n    connections: 50\n    slo: { p99: 200ms, errorRate: 1% }\n`,
      '/project/perfgate.yml',
      {},
    );
    expect(s.dir).toBe('/project');
    const p = s.config.profiles[0];
    expect(p?.kind).toBe('load');
    if (p?.kind !== 'load') return;
    expect(p.duration).toBe(120_000);
    expect(p.warmup).toBe(5_000);
    expect(p.connections).toBe(50);
    expect(p.slo).toEqual({ p99: 200, errorRate: 0.01 });
    expect(p.requests).toEqual([{ method: 'GET', path: '/', headers: {}, weight: 1 }]);
    expect(s.config.sut.ready).toEqual({ path: '/', timeout: 60_000 });
    expect(s.config.targets.allow).toEqual([]);
  });

  it('names the path, the value and the expected form, with the line', () => {
    const e = errorOf(`${minimal}    duration: 10 minutes\n`);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toContain(
      'profiles[0].duration: "10 minutes" is not a duration; use e.g. "30s" or "2m" (perfgate.yml:7)',
    );
  });

  it('rejects unknown keys with a "did you mean" hint', () => {
    const e = errorOf(minimal.replace('  url:', '  comand: node x\n  url:'));
    expect(e.message).toContain('sut.comand: unknown key; did you mean "command"?');
  });

  it('lists the allowed keys when no known key is close', () => {
    const e = errorOf(`${minimal}    zzzzzzzz: 1\n`);
    expect(e.message).toMatch(/profiles\[0\]\.zzzzzzzz: unknown key; expected one of .*duration.*connections/);
  });

  it('reports every problem at once', () => {
    const e = errorOf(`version: 2
sut: { url: "not a url" }
profiles:
  - { name: a, kind: lod }
  - { name: b, kind: load, rate: fast, connections: 5 }
`);
    expect(e.message).toContain('version: 2 is not a supported version; expected 1');
    expect(e.message).toContain('sut.url: "not a url" is not an http(s) URL');
    expect(e.message).toContain(
      'profiles[0].kind: "lod" is not a profile kind; expected one of load, stress, robustness, jmeter',
    );
    expect(e.message).toContain(
      'profiles[1].rate: "fast" is not a number; expected an arrival rate in requests per second',
    );
  });

  it.each([
    [
      'both models',
      '    connections: 5\n    rate: 100\n',
      'set either connections (closed model) or rate (open model), not both',
    ],
    ['a load test over 10 minutes', '    duration: 9m\n    warmup: 2m\n', 'a load test may take at most 10m'],
    ['a path without a slash', '    requests: [{ path: api }]\n', 'expected a path starting with "/"'],
    ['an unknown method', '    requests: [{ method: FETCH }]\n', '"FETCH" is not an HTTP method'],
    ['a bad percentage', '    slo: { errorRate: lots }\n', '"lots" is not a percentage'],
  ])('rejects %s', (_name, extra, message) => {
    expect(errorOf(minimal + extra).message).toContain(message);
  });

  it('rejects duplicate profile names', () => {
    expect(errorOf(`${minimal}  - name: smoke\n    kind: load\n`).message).toContain(
      'profiles[1].name: "smoke" is already the name of profiles[0]',
    );
  });

  it('rejects YAML that does not parse, and a document that is not a mapping', () => {
    expect(errorOf('version: [1\n').message).toContain('not valid YAML');
    expect(errorOf('- 1\n- 2\n').message).toContain('expected a mapping');
  });
});

describe('loadSettings', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('resolves the folder of the config file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-config-'));
    const file = path.join(dir, 'perfgate.yml');
    await writeFile(file, minimal);
    const s = await loadSettings(file, {});
    expect(s.path).toBe(file);
    expect(s.dir).toBe(dir);
  });

  it('says which file cannot be read', async () => {
    await expect(loadSettings('/nonexistent/perfgate.yml', {})).rejects.toThrow(
      '--config: cannot read "/nonexistent/perfgate.yml" (ENOENT)',
    );
  });
});
