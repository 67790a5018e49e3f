/**
 * perfgate's own HTTP/1.1 engine against servers that answer in the ways a parser and a
 * connection pool get wrong: cut off mid-body, HEAD, chunked with trailers, 1xx before the answer,
 * and an open model whose connections are all busy. Servers run in this process on loopback.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileWorkload } from '../../src/load/compile.js';
import { requestSchema } from '../../src/config/sections/request.js';
import { createLoadRunner } from '../../src/load/index.js';
import type { LoadModel, LoadOptions } from '../../src/load/types.js';

const closed: LoadModel = { kind: 'closed', connections: 4 };
const open: LoadModel = { kind: 'open', rate: 200, maxInFlight: 64, maxConnections: 64 };

let httpServer: http.Server;
let rawServer: net.Server;
let httpUrl = '';
let rawUrl = '';
const listen = (s: net.Server) =>
  new Promise<string>((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
  );

beforeAll(async () => {
  httpServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/chunked') {
      res.writeHead(200, { 'content-type': 'application/json', trailer: 'x-checksum' });
      res.write('{"items":');
      res.write('[1,2,3]}');
      res.addTrailers({ 'x-checksum': 'abc' });
      return res.end();
    }
    if (url.pathname === '/early-hints') {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      return res.end('after hints');
    }
    if (url.pathname === '/slow') {
      setTimeout(() => res.end('slow'), Number(url.searchParams.get('ms') ?? 50));
      return;
    }
    res.setHeader('content-type', 'text/plain');
    res.end(req.method === 'HEAD' ? undefined : 'hello');
  });
  httpServer.keepAliveTimeout = 30_000;
  // Answers every request with half a body, then closes the connection.
  rawServer = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly half'));
  });
  [httpUrl, rawUrl] = await Promise.all([listen(httpServer), listen(rawServer)]);
});
afterAll(async () => {
  httpServer.closeAllConnections();
  await Promise.all([new Promise((r) => httpServer.close(r)), new Promise((r) => rawServer.close(r))]);
});

const run = (o: Partial<LoadOptions> & Pick<LoadOptions, 'model'>, engine: 'perfgate' | 'autocannon' = 'perfgate') =>
  createLoadRunner(engine).run({
    baseUrl: httpUrl,
    requests: [requestSchema.parse({ path: '/' })],
    durationMs: 1000,
    warmupMs: 0,
    timeoutMs: 2000,
    ...o,
  });

describe.each([
  ['closed', closed],
  ['open', open],
])("perfgate's engine, %s model", (_name, model) => {
  it('counts an answer cut off mid-body as a reset, and goes on', async () => {
    const m = await run({ baseUrl: rawUrl, model });
    expect(m.requests.total).toBeGreaterThan(5);
    expect(m.requests.ok).toBe(0);
    expect(m.errors.byClass.reset).toBe(m.requests.total);
    expect(m.generator?.engine).toBe('perfgate');
  });

  it('reads HEAD answers without a body (a content-length is no body to wait for)', async () => {
    const m = await run({ requests: [requestSchema.parse({ method: 'HEAD', path: '/' })], model });
    expect(m.requests.total).toBeGreaterThan(50);
    expect(m.errors.total).toBe(0);
  });

  it('reads a chunked body with trailers, and a check reads its JSON and headers', async () => {
    const requests = [
      requestSchema.parse({
        path: '/chunked',
        check: { status: 200, json: { '$.items[2]': 3 }, header: { 'content-type': 'application/json' } },
      }),
    ];
    const workload = compileWorkload({ requests, variables: {}, field: 'profiles[0]' });
    const m = await run({ requests, workload, model });
    expect(m.requests.total).toBeGreaterThan(50);
    expect(m.errors.total).toBe(0);
  });

  it('gives a maxBodySize check the whole body size, kept or not', async () => {
    // Only maxBodySize: nothing of the body is kept, yet its 5 bytes must be counted.
    const requests = [requestSchema.parse({ path: '/', check: { maxBodySize: 3 } })];
    const workload = compileWorkload({ requests, variables: {}, field: 'profiles[0]' });
    const m = await run({ requests, workload, model });
    expect(m.requests.total).toBeGreaterThan(50);
    expect(m.errors.byClass.check).toBe(m.requests.total);
    expect(m.errors.samples.join('\n')).toMatch(/expected a body of at most 3 bytes, got 5 bytes/);
  });

  it('gives the final answer, not a 103 Early Hints, to the request', async () => {
    const m = await run({ requests: [requestSchema.parse({ path: '/early-hints' })], model });
    expect(m.requests.total).toBeGreaterThan(50);
    expect(m.errors.total).toBe(0);
    expect(m.throughput.bytesPerSec).toBeGreaterThan(0);
  });
});

describe("the open model's connection pool", () => {
  it('reuses a few kept-alive connections at a steady rate', async () => {
    const m = await run({ model: { kind: 'open', rate: 200, maxInFlight: 1000, maxConnections: 1000 } });
    expect(m.requests.total).toBe(200);
    expect(m.generator?.connections?.peakConnections).toBeLessThanOrEqual(8);
  });

  it('makes arrivals wait for a busy pool, charges the wait to latency, and counts it', async () => {
    // 2 connections, 50 ms answers: at most 40 req/s served; 60 req/s arrive.
    const m = await run({
      requests: [requestSchema.parse({ path: '/slow?ms=50' })],
      model: { kind: 'open', rate: 60, maxInFlight: 1000, maxConnections: 2 },
      timeoutMs: 5000,
    });
    expect(m.requests.dropped).toBe(0);
    expect(m.generator?.connections).toMatchObject({ peakConnections: 2, maxConnections: 2 });
    expect(m.generator?.connections?.waited).toBeGreaterThan(10);
    // The last arrivals waited for the queue in front of them: well over one 50 ms answer.
    expect(m.latency.max).toBeGreaterThan(200);
    expect(m.latency.p50).toBeGreaterThanOrEqual(50);
  });
});

describe('engine: autocannon', () => {
  it.each([
    ['closed', closed, 'autocannon'],
    ['open', open, 'undici'],
  ] as const)('still runs the %s model, and says which engine ran', async (_name, model, engine) => {
    const m = await run({ model }, 'autocannon');
    expect(m.requests.total).toBeGreaterThan(50);
    expect(m.errors.total).toBe(0);
    expect(m.generator?.engine).toBe(engine);
    // The same check as perfgate's engine reads: the whole body size.
    const requests = [requestSchema.parse({ path: '/', check: { maxBodySize: 3 } })];
    const workload = compileWorkload({ requests, variables: {}, field: 'profiles[0]' });
    const checked = await run({ requests, workload, model }, 'autocannon');
    expect(checked.errors.byClass.check).toBe(checked.requests.total);
  });
});
