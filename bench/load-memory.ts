/**
 * Memory of perfgate's load engine (issue 17): per connection in the closed model, and with
 * 10,000 requests in flight in the open model, held for a while to show that nothing grows.
 *
 *   npx tsx --expose-gc bench/load-memory.ts [connections=2000] [rate=5000]
 *
 * The server (test/fixtures/servers/behaviours.mjs, its own process) answers GET /sleep?ms=2000
 * after 2 s, so every connection holds a request in flight. Heap is measured after a forced GC
 * (`--expose-gc`); "beyond the socket" subtracts the same number of bare `net` sockets, each
 * with one request written, measured the same way.
 */
import net from 'node:net';
import { requestSchema } from '../src/config/sections/request.js';
import { createLoadRunner } from '../src/load/index.js';
import type { LoadModel } from '../src/load/types.js';
import { startFixture } from '../test/helpers/servers.js';

const connections = Number(process.argv[2] ?? 2000);
const rate = Number(process.argv[3] ?? 5000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().external + process.memoryUsage().arrayBuffers;
};
const server = await startFixture('behaviours.mjs');
const { hostname, port } = new URL(server.url);
const path = '/sleep?ms=2000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Bare sockets, one request each: what any client pays per connection.
const before = heap();
const sockets = Array.from({ length: connections }, () => {
  const s = net.connect({ host: hostname, port: Number(port) });
  s.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
  s.on('data', () => {});
  return s;
});
await sleep(1000);
const bare = (heap() - before) / connections;
for (const s of sockets) s.destroy();
await sleep(2500);

async function during(model: LoadModel, at: number[]): Promise<number[]> {
  const base = heap();
  const readings: number[] = [];
  const run = createLoadRunner().run({
    baseUrl: server.url,
    requests: [requestSchema.parse({ path })],
    model,
    durationMs: Math.max(...at) + 500,
    warmupMs: 0,
    timeoutMs: 10_000,
  });
  for (const t of at) {
    await sleep(t - (at[at.indexOf(t) - 1] ?? 0));
    readings.push(heap() - base);
  }
  const m = await run;
  console.log(
    `  ${model.kind}: ${m.requests.total} answered, ${m.errors.total} errors, peak connections ${m.generator?.connections?.peakConnections ?? connections}`,
  );
  return readings;
}

const closed = await during({ kind: 'closed', connections }, [2500]);
await sleep(2500);
const inFlight = rate * 2;
const open = await during(
  { kind: 'open', rate, maxInFlight: inFlight * 2, maxConnections: inFlight + 100 },
  [3000, 5000, 7000],
);
await server.close();

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
console.log(`
| measure | value |
|---|---:|
| bare socket with one request (Node's own cost) | ${kib(bare)} |
| closed model, ${connections} connections: per connection | ${kib((closed[0] ?? 0) / connections)} |
| of which beyond the bare socket | ${kib((closed[0] ?? 0) / connections - bare)} |
| open model, ${rate}/s × 2 s = ~${inFlight} in flight: heap growth at 3 s, 5 s, 7 s | ${open.map((b) => `${(b / 2 ** 20).toFixed(1)} MiB`).join(', ')} |
| open model: per request in flight, beyond the bare socket | ${kib((open[2] ?? 0) / inFlight - bare)} |
`);
