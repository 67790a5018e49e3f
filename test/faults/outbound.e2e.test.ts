/**
 * Fault case 5 (issue 15): every outbound request perfgate makes is checked against the
 * allow-list at each redirect hop, and its body is bounded. Real servers on 127.0.0.1 answer a
 * redirect to [2001:db8::1] (not loopback, not allowed: refused before any connection is tried) or a
 * body larger than the scrape limit.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pushToGateway } from '../../src/export/prometheus.js';
import { PrometheusScraper } from '../../src/monitor/prometheus.js';
import { sendWebhook } from '../../src/publish/alerts.js';
import { result } from '../helpers/results.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const redirectTo = (location: string, status = 302) =>
  serve((req, res) => {
    req.resume();
    res.writeHead(status, { location }).end();
  });

// A documentation-range IPv6 address: not loopback, not allowed, and unroutable from here, so
// even a regression that tried to connect would send nothing to another machine.
const FORBIDDEN = 'http://[2001:db8::1]/metrics';

describe('outbound requests under the allow-list', () => {
  it('a Prometheus scrape refuses a redirect to a host outside targets.allow', async () => {
    const base = await redirectTo(FORBIDDEN);
    const scraper = await PrometheusScraper.create(base, ['/metrics'], ['up'], 1000, []);
    const started = performance.now();
    const { metrics, errors } = await scraper.stop();
    expect(metrics).toEqual([]);
    expect(errors[0]?.startsWith(`${base}/metrics: refused the redirect to ${FORBIDDEN}: `)).toBe(true);
    expect(errors[0]).toContain('targets.allow');
    // Refused before connecting: no connect timeout to a black-holed address was waited out.
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('a Prometheus scrape whose body is over 16 MiB fails, naming the URL and the limit', async () => {
    const line = 'up{instance="a"} 1\n';
    const chunk = line.repeat(Math.ceil((1024 * 1024) / line.length));
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // No content-length: the limit must hold while the body streams in.
      let sent = 0;
      const more = () => {
        while (sent < 20) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    const scraper = await PrometheusScraper.create(base, ['/metrics'], ['up'], 1000, []);
    const { metrics, errors } = await scraper.stop();
    expect(metrics).toEqual([]);
    expect(errors).toEqual([`${base}/metrics: the body is over the limit of ${16 * 1024 * 1024} bytes`]);
  });

  it('a scrape that follows an allowed redirect still reads the metrics', async () => {
    const target = await serve((_req, res) => res.end('up{instance="a"} 1\n'));
    const base = await redirectTo(`${target}/real`);
    const scraper = await PrometheusScraper.create(base, ['/metrics'], ['up'], 1000, []);
    const { metrics, errors } = await scraper.stop();
    expect(errors).toEqual([]);
    expect(metrics).toEqual([{ series: 'up{instance="a"}', points: [[expect.any(Number), 1]] }]);
  });

  it('the Pushgateway push refuses a 307 to a host outside targets.allow', async () => {
    const gateway = await redirectTo(FORBIDDEN, 307);
    const started = performance.now();
    await expect(pushToGateway(gateway, 'perfgate', result([]), [])).rejects.toThrow(
      `refused the redirect to ${FORBIDDEN}`,
    );
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('the alert webhook refuses a redirect to another host, without naming its secret path', async () => {
    const hook = await redirectTo(`${FORBIDDEN}?key=s3cret`);
    const error = await sendWebhook(`${hook}/hooks/T0K3N`, result([]), undefined).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^the alert webhook: refused the redirect to http:\/\/\[2001:db8::1\]:/);
    expect(error?.message).not.toMatch(/T0K3N|s3cret/);
  });
});
