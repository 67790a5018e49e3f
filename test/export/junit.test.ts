import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildJunitXml } from '../../src/export/junit.js';
import { extractLogFormat } from '../../src/log/json.js';
import { freePort } from '../helpers/processes.js';
import { profile, result } from '../publish/results.js';

describe('JUnit XML', () => {
  it('has one case per gate, failures for broken SLOs, an error for a profile that could not run, and escaped names', () => {
    const xml = buildJunitXml(
      result([
        profile('ok'),
        profile('slow <&> "x"', { status: 'fail', slo: { pass: false, checks: [{ metric: 'p99', limit: 50, actual: 80, unit: 'ms', pass: false }, { metric: 'errorRate', limit: 0.01, actual: 0, unit: 'ratio', pass: true }] } }),
        profile('broken', { status: 'error', reasons: ['the SUT exited'], slo: { pass: false, checks: [] } }),
      ]),
    );
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="perfgate" tests="6" failures="1" errors="1"/);
    expect((xml.match(/<testsuite /g) ?? []).length).toBe(3);
    expect(xml).toContain('<testsuite name="slow &lt;&amp;&gt; &quot;x&quot;" tests="3" failures="1" errors="0"');
    expect(xml).toContain('name="SLO p99 (limit ≤ 50.0 ms)"');
    expect(xml).toContain('<failure message="p99 80.0 ms (limit ≤ 50.0 ms)">');
    expect(xml).toContain('<error message="the SUT exited">');
    expect(xml).not.toMatch(/<[^>]*"x"/);
  });
});

describe('--log-format', () => {
  it('is taken out of the arguments of any command', () => {
    expect(extractLogFormat(['run', '--log-format', 'json', '-c', 'x.yml'])).toEqual({ argv: ['run', '-c', 'x.yml'], format: 'json' });
    expect(extractLogFormat(['run', '--log-format=text'])).toEqual({ argv: ['run'], format: 'text' });
  });

  it('json: every log line on stderr is a JSON object, and export.junit writes the XML', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-export-'));
    try {
      const port = await freePort();
      await writeFile(
        path.join(dir, 'perfgate.yml'),
        `version: 1\nsut:\n  command: node ${path.resolve('examples/shop/server.mjs')}\n  env: { PORT: "${port}" }\n  url: http://127.0.0.1:${port}\n  ready: { path: /health }\nprofiles:\n  - { name: quick, kind: load, duration: 1s, connections: 2, slo: { throughput: 1000000 } }\nexport: { junit: junit/perfgate.xml }\n`,
      );
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', '--log-format', 'json', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out')], { encoding: 'utf8', timeout: 30_000 });
      const lines = r.stderr.trim().split('\n');
      expect(lines.length).toBeGreaterThan(2);
      for (const l of lines) expect(Object.keys(JSON.parse(l) as object)).toEqual(['time', 'level', 'msg']);
      const xml = await readFile(path.join(dir, 'out', 'junit', 'perfgate.xml'), 'utf8');
      expect(xml).toContain('<testsuite name="quick"');
      expect(r.status).toBe(1);
      expect(xml).toContain('<failure message="throughput');
      const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'run', '--log-format', 'xml'], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--log-format: "xml" is not a log format; expected one of text, json');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
