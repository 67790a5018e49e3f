/** OTLP/HTTP export with the OpenTelemetry SDK to a local receiver that decodes what arrives. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOtlp, parseOtlpHeaders } from '../../src/export/otlp.js';
import { profile, result } from '../helpers/results.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
let server: http.Server;
let url: string;
const received: Received[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      // /refuse answers as a collector that rejects the payload (OTLP/HTTP: 400 is not retried).
      if (req.url === '/refuse')
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":3,"message":"bad metrics"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('OTLP export', () => {
  it('sends the results as gauges with profile and quantile attributes, and the headers from the env var', async () => {
    const r = result(
      [
        profile('checkout', {
          latency: { min: 0.1, mean: 2, stdev: 1, p50: 1.5, p90: 3, p99: 7.25, p999: 9, max: 12 },
          throughput: { rps: 250, bytesPerSec: 0 },
        }),
      ],
      { git: { sha: 'f'.repeat(40), branch: 'main' } },
    );
    await exportOtlp(r, { url, headers: parseOtlpHeaders('api-key=s3cr3t,x-team=perf'), allow: [] });
    expect(received).toHaveLength(1);
    const got = received[0] as Received;
    expect(got.path).toBe('/v1/metrics');
    expect(got.headers['api-key']).toBe('s3cr3t');
    const contentType = String(got.headers['content-type']);
    expect(contentType).toMatch(/application\/(json|x-protobuf)/);
    const text = contentType.includes('json') ? got.body.toString('utf8') : got.body.toString('latin1');
    for (const name of [
      'perfgate.latency',
      'perfgate.throughput',
      'perfgate.requests',
      'perfgate.errors',
      'perfgate.profile.passed',
    ])
      expect(text).toContain(name);
    expect(text).toContain('checkout');
    if (contentType.includes('json')) {
      const body = JSON.parse(text) as {
        resourceMetrics: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeMetrics: {
            metrics: {
              name: string;
              gauge?: {
                dataPoints: { asDouble?: number; attributes: { key: string; value: { stringValue?: string } }[] }[];
              };
            }[];
          }[];
        }[];
      };
      const metrics = body.resourceMetrics[0]?.scopeMetrics[0]?.metrics ?? [];
      const p99 = metrics
        .find((m) => m.name === 'perfgate.latency')
        ?.gauge?.dataPoints.find((d) =>
          d.attributes.some((a) => a.key === 'quantile' && a.value.stringValue === '0.99'),
        );
      expect(p99?.asDouble).toBeCloseTo(0.00725, 9);
      expect(
        body.resourceMetrics[0]?.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue,
      ).toBe('perfgate');
    }
  });

  it('refuses a collector that is not loopback and not allowed', async () => {
    await expect(
      exportOtlp(result([profile('x')]), { url: 'http://10.9.9.9:4318/v1/metrics', allow: [] }),
    ).rejects.toThrow(/export\.otlp\.url: host 10\.9\.9\.9/);
  });

  it('fails, so the run can say so, when the collector refuses the metrics or does not answer', async () => {
    const refuse = url.replace('/v1/metrics', '/refuse');
    await expect(exportOtlp(result([profile('x')]), { url: refuse, allow: [] })).rejects.toThrow(
      /\/refuse: .*400|Bad Request/,
    );
    const closed = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    await expect(
      exportOtlp(result([profile('x')]), { url: `http://127.0.0.1:${closed}/v1/metrics`, allow: [], timeoutMs: 1500 }),
    ).rejects.toThrow(/127\.0\.0\.1/);
  }, 20_000);
});
