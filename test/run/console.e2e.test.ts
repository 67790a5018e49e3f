/**
 * What `perfgate run` says on the console (issue 14), against a real loopback server: each
 * profile's start names what runs now and next, progress lines give elapsed over planned time;
 * `--quiet` prints the verdict line (with its reasons) and the paths written, nothing else.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { Logger } from '../../src/log/logger.js';
import { writeConfig } from '../helpers/cli.js';
import { fixtureAndTempDir } from '../helpers/servers.js';

const { server, dir } = fixtureAndTempDir('behaviours.mjs', 'perfgate-console-');

/** Every line of every level, progress and debug included, as `level: message`. */
function capture() {
  const stdout: string[] = [];
  const log: string[] = [];
  const at = (level: string) => (m: string) => void log.push(`${level}: ${m}`);
  const logger: Logger = {
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    progress: at('progress'),
  };
  return { stdout, log, io: { logger, stdout: (t: string) => void stdout.push(t) } };
}

const config = (profiles: string) => `version: 1
sut: { url: "${server().url}", ready: { path: /health, timeout: 10s } }
monitor: { enabled: false }
profiles:
${profiles}`;

async function run(yaml: string, args: string[]) {
  const c = capture();
  const file = await writeConfig(dir(), yaml);
  const code = await main(['run', '--config', file, '--out', path.join(dir(), 'out'), ...args], {
    ...c.io,
    cwd: dir(),
  });
  return { ...c, code };
}

describe('perfgate run on the console', () => {
  it('says what runs now and next, and gives progress as elapsed over planned time', async () => {
    const r = await run(
      config(`  - { name: api, kind: load, duration: 2s, warmup: 1s, connections: 2, requests: [{ path: /fast }] }
  - name: ramp
    kind: stress
    rate: { start: 20, step: 20, max: 40 }
    stepDuration: 2s
    warmup: 0s
    recovery: { duration: 1s }
    requests: [{ path: /fast }]
`),
      [],
    );
    expect(r.code, r.log.join('\n')).toBe(0);
    expect(r.log).toContain(
      'info: profile 1/2 "api" (load: 2 connections, 2s + 1s warmup); next: "ramp" (stress, up to 5s)',
    );
    expect(r.log).toContain('info: profile 2/2 "ramp" (stress: 20→40 req/s, up to 5s)');
    const progress = r.log.filter((l) => l.startsWith('progress: '));
    const number = String.raw`[\d,]+ req/s · p99 \d+\.\d+ ms · \d+ errors?`;
    expect(progress).toContainEqual(
      expect.stringMatching(new RegExp(`^progress: load-test "api": warmup t=1s/1s · ${number}$`)),
    );
    expect(progress).toContainEqual(
      expect.stringMatching(new RegExp(`^progress: load-test "api": t=2s/2s · ${number}$`)),
    );
    expect(progress).toContainEqual(
      expect.stringMatching(
        new RegExp(`^progress: stress-test "ramp": t=\\ds/5s · step 2/2 at 40 req/s offered · ${number}$`),
      ),
    );
    expect(r.log).toContainEqual(
      expect.stringMatching(/^info: wrote out\/result\.json, out\/report\.md, out\/report\.html$/),
    );
    expect(r.stdout.join('\n')).toMatch(/perfgate: PASS/);
  });

  it('with --quiet prints only the verdict, its reasons and the paths written, even when the gate fails', async () => {
    const r = await run(
      config(`  - { name: api, kind: load, duration: 1s, connections: 2, requests: [{ path: "/sleep?ms=5" }], slo: { p95: 1ms } }
`),
      ['--quiet'],
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([
      expect.stringMatching(/^perfgate: FAIL — api: SLO: p95 \d+\.\d{3} ms \(limit ≤ 1\.000 ms\)$/),
      path.join('out', 'result.json'),
      path.join('out', 'report.md'),
      path.join('out', 'report.html'),
    ]);
    expect(r.log).toEqual([]);
  });

  it.each([
    ['run', ['-q', '--verbose']],
    ['ab', ['--quiet', '-v', '--base', '.', '--head', '.']],
  ])('%s refuses --quiet with --verbose (exit 2), naming both', async (command, args) => {
    const c = capture();
    const code = await main([command, ...args], { ...c.io, cwd: dir() });
    expect(code).toBe(2);
    expect(c.log).toEqual([expect.stringMatching(/^error: --quiet and --verbose: pick one/)]);
    expect(c.stdout).toEqual([]);
  });
});
