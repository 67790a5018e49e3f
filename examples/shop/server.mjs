// A small shop API used by perfgate's demo and tests. Its endpoints cost different amounts:
//   GET  /health            readiness probe
//   GET  /                  tiny JSON (sub-millisecond)
//   GET  /api/items         a page of 50 items from memory, serialized to JSON
//   GET  /api/items/:id     one item
//   POST /api/items         parses and validates a JSON body (400 on bad JSON)
//   GET  /api/search?q=     scans all 5,000 items (CPU-bound, ~0.5 ms)
//   GET  /api/report        waits on a simulated downstream call (~5 ms)
// EXTRA_DELAY_MS adds a fixed delay to every API request (used to show regressions in A/B).
import http from 'node:http';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const extraDelay = Number(process.env.EXTRA_DELAY_MS ?? 0);

const items = Array.from({ length: 5000 }, (_, i) => ({
  id: i + 1,
  name: `item ${i + 1} ${['red', 'green', 'blue', 'black'][i % 4]} ${['mug', 'shirt', 'lamp', 'chair', 'desk'][i % 5]}`,
  price: Math.round(((i * 7919) % 10000) / 3) / 100,
  stock: (i * 31) % 97,
}));
let nextId = items.length + 1;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function route(req, res, url) {
  if (url.pathname === '/health') return send(res, 200, { ok: true });
  if (extraDelay > 0) await wait(extraDelay);
  if (req.method === 'GET' && url.pathname === '/') return send(res, 200, { service: 'shop', items: items.length });
  if (req.method === 'GET' && url.pathname === '/api/items') {
    const page = Math.max(0, Number(url.searchParams.get('page') ?? 0) | 0);
    return send(res, 200, items.slice(page * 50, page * 50 + 50));
  }
  const one = /^\/api\/items\/(\d+)$/.exec(url.pathname);
  if (req.method === 'GET' && one) {
    const item = items[Number(one[1]) - 1];
    return item ? send(res, 200, item) : send(res, 404, { error: 'no such item' });
  }
  if (req.method === 'POST' && url.pathname === '/api/items') {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return send(res, 415, { error: 'expected application/json' });
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch (e) {
      return send(res, e.status ?? 400, { error: e.status ? e.message : 'invalid JSON' });
    }
    if (typeof body !== 'object' || body === null || typeof body.name !== 'string')
      return send(res, 400, { error: 'expected {"name": string}' });
    return send(res, 201, { id: nextId++, name: body.name.slice(0, 100) });
  }
  if (req.method === 'GET' && url.pathname === '/api/search') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const hits = items.filter((it) => it.name.includes(q)).slice(0, 20);
    return send(res, 200, { q, hits });
  }
  if (req.method === 'GET' && url.pathname === '/api/report') {
    await wait(5);
    return send(res, 200, { revenue: items.reduce((s, it) => s + it.price * it.stock, 0) });
  }
  if (['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(req.method ?? ''))
    return send(res, 404, { error: 'not found' });
  return send(res, 405, { error: 'method not allowed' });
}

const server = http.createServer((req, res) => {
  let url;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return send(res, 400, { error: 'bad URL' });
  }
  route(req, res, url).catch((e) => {
    if (!res.headersSent) send(res, 500, { error: 'internal error' });
    console.error(e);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => {
  const addr = server.address();
  console.log(`listening on http://${host}:${typeof addr === 'object' && addr ? addr.port : port}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
