/** `--log-format json` and `export.junit` in a real perfgate process against the shop example. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, writeConfig } from '../helpers/cli.js';
import { freePort } from '../helpers/processes.js';

describe('--log-format', () => {
  it('json: every log line on stderr is a JSON object, and export.junit writes the XML', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-export-'));
    try {
      const port = await freePort();
      // An open model at a low rate: a closed loop against this cheap server can saturate
      // perfgate's own client on a busy machine, which turns the failed SLO into inconclusive (exit 0).
      const config = await writeConfig(
        dir,
        `version: 1\nsut:\n  command: node ${path.resolve('examples/shop/server.mjs')}\n  env: { PORT: "${port}" }\n  url: http://127.0.0.1:${port}\n  ready: { path: /health }\nprofiles:\n  - { name: quick, kind: load, duration: 1s, rate: 50, slo: { throughput: 1000000 } }\nexport: { junit: junit/perfgate.xml }\n`,
      );
      const r = await spawnCli(['run', '--log-format', 'json', '--config', config, '--out', path.join(dir, 'out')], {
        timeoutMs: 30_000,
      });
      const lines = r.stderr.trim().split('\n');
      expect(lines.length).toBeGreaterThan(2);
      for (const l of lines) expect(Object.keys(JSON.parse(l) as object)).toEqual(['time', 'level', 'msg']);
      const xml = await readFile(path.join(dir, 'out', 'junit', 'perfgate.xml'), 'utf8');
      expect(xml).toContain('<testsuite name="quick"');
      expect(r.code).toBe(1);
      expect(xml).toContain('<failure message="throughput');
      const bad = await spawnCli(['run', '--log-format', 'xml']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--log-format: "xml" is not a log format; expected one of text, json');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
