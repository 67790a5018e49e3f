/**
 * `slo: { p95: …, level: warn | fail }` end to end (issue 13), against a real loopback server
 * whose /sleep route answers after 5 ms: a p95 limit of 1 ms is always missed. At level warn the
 * CLI exits 0 and prints the warning, result.json and report.md carry it and the action annotates
 * it; at level fail the same miss exits 1.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../helpers/action.js';
import { runConfig } from '../helpers/cli.js';
import { fixtureAndTempDir } from '../helpers/servers.js';

const { server, dir } = fixtureAndTempDir('behaviours.mjs', 'perfgate-slo-level-');

const config = (level: 'warn' | 'fail') => `version: 1
sut: { url: "${server().url}", ready: { path: /health, timeout: 10s } }
monitor: { enabled: false }
profiles:
  - name: api
    kind: load
    duration: 1s
    connections: 2
    requests: [{ path: "/sleep?ms=5" }]
    slo: { p95: 1ms, level: ${level} }
`;
const MISS = /api: SLO \(level: warn\): p95 \d+\.\d{3} ms \(limit ≤ 1\.000 ms\)/;

describe('an SLO at level warn', () => {
  it('exits 0 with the miss as a warning on the console, in result.json and in report.md', async () => {
    const run = await runConfig(dir(), config('warn'));
    expect(run.code, run.log).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`warning: ${MISS.source}`));
    expect(run.stdout).toContain('perfgate: PASS');
    const result = run.result!;
    expect(result.status).toBe('pass');
    expect(result.reasons).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(MISS)]);
    const p = result.profiles[0]!;
    expect(p.status).toBe('pass');
    // p95 is in result.json, read from the same histogram as the check.
    expect(p.latency.p95).toBeGreaterThanOrEqual(5);
    expect(p.slo.checks[0]).toMatchObject({ metric: 'p95', actual: p.latency.p95, pass: false, level: 'warn' });
    const md = (await readFile(path.join(run.out, 'report.md'), 'utf8')).replaceAll('\\', '');
    expect(md).toContain('## ✅ perfgate: pass');
    expect(md).toMatch(new RegExp(`- ⚠️ ${MISS.source}`));
  });

  it('exits 1 at level fail, with the miss as the reason', async () => {
    const run = await runConfig(dir(), config('fail'));
    expect(run.code, run.log).toBe(1);
    expect(run.result?.status).toBe('fail');
    expect(run.result?.reasons).toEqual([expect.stringMatching(/^api: SLO: p95 \d+\.\d{3} ms \(limit ≤ 1\.000 ms\)$/)]);
    expect(run.result?.warnings).toEqual([]);
  });

  it('is a warning annotation of the action, which passes, and a ⚠️ line of its job summary', async () => {
    await writeFile(path.join(dir(), 'perfgate.yml'), config('warn'));
    const run = await runAction({ dir: dir(), event: 'push', env: { 'INPUT_GITHUB-TOKEN': '' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(
      // The runner's command format escapes the colons of a property (title=…).
      new RegExp(`^::warning title=perfgate%3A warning \\(level%3A warn\\)::${MISS.source}$`, 'm'),
    );
    expect(run.stdout).not.toMatch(/^::error/m);
    expect(run.outputs).toMatch(/status<<ghadelimiter_[^\n]+\npass\n/);
    expect(run.summary.replaceAll('\\', '')).toMatch(new RegExp(`- ⚠️ ${MISS.source}`));
  });
});
