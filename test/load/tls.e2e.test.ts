/**
 * https targets on perfgate's own engine (issue 17): tls.connect with the certificate checked, as
 * autocannon and undici did. A real https server on loopback with a certificate from a test CA
 * (test/fixtures/tls, valid to 2126; its key was thrown away); perfgate runs as its own process
 * with NODE_EXTRA_CA_CERTS naming that CA, which Node reads at start only, so that the run trusts
 * it the way a user's runner trusts a corporate CA. Without it the certificate is refused.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, spawnCli, writeConfig } from '../helpers/cli.js';

const TLS = path.resolve('test/fixtures/tls');
let server: https.Server;
let url: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-tls-'));
  server = https.createServer(
    { key: readFileSync(path.join(TLS, 'server.key')), cert: readFileSync(path.join(TLS, 'server.pem')) },
    (req, res) => {
      if (req.url === '/chunked') {
        res.write('part one, ');
        res.end('part two');
        return;
      }
      res.end('ok');
    },
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function run(name: string, profile: string, trustCa: boolean) {
  const folder = path.join(dir, name);
  await mkdir(folder, { recursive: true });
  const file = await writeConfig(
    folder,
    `version: 1
sut: { url: "${url}" }
profiles:
  - ${profile}
report: { html: false }
monitor: { enabled: false }
`,
  );
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  if (trustCa) env.NODE_EXTRA_CA_CERTS = path.join(TLS, 'ca.pem');
  const r = await spawnCli(['run', '--config', file, '--out', path.join(folder, 'out')], { env, timeoutMs: 60_000 });
  const result = await readResult(path.join(folder, 'out')).catch((e: unknown) => {
    throw new Error(`no result (exit ${r.code}): ${r.stderr}`, { cause: e });
  });
  return { ...r, result };
}

describe('an https target', () => {
  it('is loaded over TLS in the closed model, chunked answers included, with the CA trusted', async () => {
    const { code, result } = await run(
      'closed',
      '{ name: tls, kind: load, duration: 1s, connections: 4, requests: [{ path: / }, { path: /chunked, check: { bodyContains: "part two" } }] }',
      true,
    );
    expect(code).toBe(0);
    const [p] = result.profiles;
    expect(p?.status).toBe('pass');
    expect(p?.requests.total).toBeGreaterThan(100);
    expect(p?.errors.total).toBe(0);
    expect(p?.generator?.engine).toBe('perfgate');
  }, 60_000);

  it('is loaded over TLS in the open model at its rate', async () => {
    const { code, result } = await run(
      'open',
      '{ name: tls, kind: load, duration: 2s, rate: 200, requests: [{ path: / }] }',
      true,
    );
    expect(code).toBe(0);
    const [p] = result.profiles;
    expect(p?.errors.total).toBe(0);
    expect(p?.throughput.rps).toBeGreaterThan(190);
    expect(p?.throughput.rps).toBeLessThan(210);
  }, 60_000);

  it('refuses a certificate it cannot verify, and says why', async () => {
    const { result } = await run(
      'untrusted',
      '{ name: tls, kind: load, duration: 1s, connections: 2, requests: [{ path: / }] }',
      false,
    );
    const [p] = result.profiles;
    expect(p?.requests.ok ?? 0).toBe(0);
    expect(p?.errors.total).toBeGreaterThan(0);
    expect(JSON.stringify(p?.errors.samples)).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate/,
    );
    expect(result.status).not.toBe('pass');
  }, 60_000);
});
