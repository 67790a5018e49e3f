/**
 * Per-endpoint A/B (issue 13): a profile of two endpoints where the head's server makes one of
 * them 30 % slower (a 10 ms sleep becomes 13 ms through SLOW_MS; the other stays at 10 ms). Both
 * sides send the base's requests, as every A/B does. `perfgate ab` compares each endpoint beside
 * the profile, in the same Holm family, and flags that endpoint and not the other.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, runCli, writeConfig } from '../helpers/cli.js';
import { freePort } from '../helpers/processes.js';

const server = fileURLToPath(new URL('../fixtures/servers/behaviours.mjs', import.meta.url));
let root: string;
let port: number;

async function checkout(name: string, slowMs: number): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeConfig(
    dir,
    `version: 1
sut:
  command: node ${server}
  env: { PORT: "${port}", SLOW_MS: "${slowMs}" }
  url: http://127.0.0.1:${port}
  ready: { path: /health, timeout: 10s }
profiles:
  - name: api
    kind: load
    connections: 4
    requests:
      - { name: steady, path: "/sleep?ms=10" }
      - { name: changed, path: "/sleep?ms=10&slowable" }
gates: { regression: { p50: 10% } }
ab: { pairs: 10, trialDuration: 700ms, warmup: 200ms, alpha: 0.05, sequential: false }
report: { html: false }
monitor: { enabled: false }
`,
  );
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'perfgate-ab-endpoints-'));
  port = await freePort();
  await checkout('base', 0);
  await checkout('head', 3);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('perfgate ab per endpoint', () => {
  it('flags the endpoint made 30 % slower, and not the other', async () => {
    const out = path.join(root, 'out');
    const run = await runCli([
      'ab',
      '--base',
      path.join(root, 'base'),
      '--head',
      path.join(root, 'head'),
      '--out',
      out,
      '--seed',
      '5',
    ]);
    const result = await readResult(out);
    const rows = result.comparison?.metrics ?? [];
    const p50 = (endpoint: string | undefined) => rows.find((m) => m.metric === 'p50' && m.endpoint === endpoint);
    expect(p50('changed')).toMatchObject({ profile: 'api', verdict: 'regression' });
    expect(p50('changed')?.ratio).toBeGreaterThan(1.2);
    expect(p50('steady')?.verdict).not.toBe('regression');
    expect(p50('steady')?.ratio).toBeLessThan(1.1);
    // Each endpoint's rows are tested with the profile's own, in one family.
    expect(new Set(rows.map((m) => m.endpoint))).toEqual(new Set([undefined, 'steady', 'changed']));
    expect(run.code).toBe(1);
    expect(result.reasons.join('\n')).toMatch(/regression: api › changed p50 \+\d+\.\d%/);
    expect(result.reasons.join('\n')).not.toMatch(/api › steady/);
    expect(run.stdout).toMatch(/api › changed\s+p50/);
  }, 120_000);
});
