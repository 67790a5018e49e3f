/**
 * The Prometheus export against the real thing: Debian's prometheus-pushgateway and prometheus
 * on free loopback ports, perfgate pushes a result, Prometheus scrapes the gateway, and the
 * numbers are queried back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushToGateway } from '../../src/export/prometheus.js';
import { freePort } from '../helpers/processes.js';
import { profile, result } from '../helpers/results.js';

const r = result(
  [
    profile('api', {
      latency: { min: 0.2, mean: 1.1, stdev: 0.3, p50: 1.25, p90: 2, p99: 4.5, p999: 6, max: 9 },
      throughput: { rps: 321.5, bytesPerSec: 1 },
    }),
  ],
  { git: { sha: 'abcdef1234567890', branch: 'main' } },
);

describe('with a real Pushgateway and Prometheus', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  let gateway: string;
  let prometheus: string;
  beforeAll(async () => {
    for (const bin of ['/usr/bin/prometheus', '/usr/bin/prometheus-pushgateway'])
      if (!existsSync(bin))
        throw new Error(`${bin} not found: install Debian's prometheus and prometheus-pushgateway (.ci/run does)`);
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-prom-'));
    const gwPort = await freePort();
    const promPort = await freePort();
    gateway = `http://127.0.0.1:${gwPort}`;
    prometheus = `http://127.0.0.1:${promPort}`;
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n    static_configs: [{ targets: ["127.0.0.1:${gwPort}"] }]\n`,
    );
    children.push(
      spawn(
        '/usr/bin/prometheus-pushgateway',
        [`--web.listen-address=127.0.0.1:${gwPort}`, `--persistence.file=${path.join(dir, 'pg.data')}`],
        { stdio: 'ignore' },
      ),
    );
    children.push(
      spawn(
        '/usr/bin/prometheus',
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        { stdio: 'ignore' },
      ),
    );
    const ready = async (url: string) => {
      for (let i = 0; i < 100; i++) {
        if (
          await fetch(url)
            .then((x) => x.ok)
            .catch(() => false)
        )
          return;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`${url} did not become ready`);
    };
    await ready(`${gateway}/-/ready`);
    await ready(`${prometheus}/-/ready`);
  }, 30_000);
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('pushes a result that Prometheus then answers for', async () => {
    await pushToGateway(gateway, 'perfgate', r, []);
    const query = `${prometheus}/api/v1/query?query=${encodeURIComponent('perfgate_throughput_requests_per_second{profile="api"}')}`;
    let value: string | undefined;
    for (let i = 0; i < 60 && value === undefined; i++) {
      const body = (await (await fetch(query)).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      const hit = body.data.result[0];
      if (hit) {
        value = hit.value[1];
        expect(hit.metric).toMatchObject({ job: 'perfgate', branch: 'main', commit: 'abcdef123456', profile: 'api' });
      } else await new Promise((res) => setTimeout(res, 250));
    }
    expect(value).toBe('321.5');
  }, 30_000);

  it('refuses a Pushgateway that is not loopback and not allowed', async () => {
    await expect(pushToGateway('http://10.1.2.3:9091', 'perfgate', r, [])).rejects.toThrow(/targets\.allow/);
  });
});
