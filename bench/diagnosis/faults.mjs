// The seeded fault suite's SUT: one known fault per FAULT value, on GET /work (GET /health
// answers at once). Ground truth for bench/diagnosis/run.ts; every fault is bounded (memory caps,
// file sizes) so that a run can never take the machine down.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const FAULT = process.env.FAULT ?? 'healthy';
const MIB = 1024 * 1024;
const kept = [];
let keptBytes = 0;
const KEEP_CAP = 1200 * MIB;

function keep(thing, bytes) {
  if (keptBytes + bytes > KEEP_CAP) return;
  kept.push(thing);
  keptBytes += bytes;
}

/** ~`ms` of JavaScript on the main thread. */
function spin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

const blocker = new Int32Array(new SharedArrayBuffer(4));
const diskFile = path.join(process.env.FAULT_DIR ?? os.tmpdir(), `perfgate-fault-${process.pid}.log`);
const disk = FAULT === 'disk' ? fs.openSync(diskFile, 'a') : undefined;
process.on('exit', () => {
  if (disk !== undefined) fs.rmSync(diskFile, { force: true });
});

let pool;
if (FAULT.startsWith('pg-')) {
  const pg = (await import('pg')).default;
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: FAULT === 'pg-pool' ? 1 : 4 });
}
let seq = 0;
const ring = new Array(400);
const bigDocument =
  FAULT === 'json'
    ? Array.from({ length: 250000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b', 'c'], n: i / 7 }))
    : [];

const faults = {
  healthy: async () => 'ok',
  cpu: async () => String(spin(2)),
  // pbkdf2 runs on libuv's thread pool: both cores busy, the event loop free.
  pool: () =>
    new Promise((resolve, reject) =>
      crypto.pbkdf2('secret', 'salt', 6000, 32, 'sha512', (e, key) => (e ? reject(e) : resolve(key.toString('hex')))),
    ),
  // The loop stops without computing: Atomics.wait sleeps the thread 3 ms per request.
  block: async () => {
    Atomics.wait(blocker, 0, 0, 3);
    return 'ok';
  },
  // The leaks retain about 100 KiB per request behind 1 ms of work, so that they grow steadily
  // (about 40 MiB/s) for the whole run instead of hitting the cap in the first seconds.
  // One long block per request: JSON.stringify of a 19 MB document (75–90 ms here), the loop
  // stalled for every request queued behind it.
  json: async () => String(JSON.stringify(bigDocument).length),
  heap: async () => {
    spin(1);
    keep(
      Array.from({ length: 1000 }, (_, i) => ({ i, s: `item ${i} of request ${seq}` })),
      100 * 1024,
    );
    return 'ok';
  },
  buffer: async () => {
    spin(1);
    keep(Buffer.alloc(100 * 1024, seq & 0xff), 100 * 1024);
    return 'ok';
  },
  // Garbage that lives long enough to be promoted, then dies: 256 KiB of small objects per
  // request in a ring of the last 400 requests (about 100 MiB live, constant), so the old
  // generation fills and is collected over and over. A sawtooth, never a leak.
  gc: async () => {
    ring[seq % ring.length] = Array.from({ length: 4000 }, (_, j) => ({ j, s: `r${seq}` }));
    return 'ok';
  },
  // A 4 KiB append and an fsync per request, on the libuv pool.
  disk: () =>
    new Promise((resolve, reject) =>
      fs.write(disk, Buffer.alloc(4096, 97), (e) =>
        e ? reject(e) : fs.fsync(disk, (e2) => (e2 ? reject(e2) : resolve('ok'))),
      ),
    ),
  'pg-slow': async () =>
    JSON.stringify((await pool.query('SELECT count(*) FROM fault_items WHERE val = $1', [seq % 1000])).rows[0]),
  'pg-pool': async () => JSON.stringify((await pool.query('SELECT pg_sleep(0.004)')).rows.length),
  'pg-lock': async () => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('UPDATE fault_counter SET n = n + 1 WHERE id = 1');
      await c.query('SELECT pg_sleep(0.003)');
      await c.query('COMMIT');
      return 'ok';
    } finally {
      c.release();
    }
  },
};
faults.network = faults.healthy;
faults.generator = faults.healthy;
const handle = faults[FAULT];
if (!handle) throw new Error(`FAULT=${FAULT}: unknown; expected one of ${Object.keys(faults).join(', ')}`);

const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  seq++;
  handle().then(
    (body) => res.end(body),
    (e) => {
      res.statusCode = 500;
      res.end(String(e?.message ?? e));
    },
  );
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  console.log(`listening on http://127.0.0.1:${server.address().port} (${FAULT})`),
);
process.on('SIGTERM', () => {
  server.close();
  Promise.resolve(pool?.end()).finally(() => process.exit(0));
});
