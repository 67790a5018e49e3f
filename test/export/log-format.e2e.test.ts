/** `--log-format json` and `export.junit` in a real perfgate process against the shop example. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult, spawnCli, writeConfig } from '../helpers/cli.js';
import { freePort } from '../helpers/processes.js';

describe('--log-format', () => {
  it('json: every log line on stderr is a JSON object, and export.junit writes the XML', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-export-'));
    try {
      const port = await freePort();
      // An open model at a low rate, so that perfgate's own client has headroom: a client that
      // lags (closed loop against this cheap server, or any load on a busy machine, where its
      // event loop falls 20 ms behind) turns the failed SLO into inconclusive, exit 0.
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
      expect(xml).toContain('<failure message="throughput');
      // Exit 1 for the failed SLO; exit 0 only when the run says why it is inconclusive instead.
      const result = await readResult(path.join(dir, 'out'));
      const saturated = result.profiles[0]?.generator?.saturated === true;
      expect(result.status).toBe(saturated ? 'inconclusive' : 'fail');
      expect(r.code).toBe(saturated ? 0 : 1);
      const bad = await spawnCli(['run', '--log-format', 'xml']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--log-format: "xml" is not a log format; expected one of text, json');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
