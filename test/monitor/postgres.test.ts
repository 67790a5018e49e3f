/**
 * Database bottlenecks against a real PostgreSQL started for the test: a handler whose query
 * scans a 200k-row table without an index must be named, with the statement and the column an
 * index would serve; perfgate's own session must stay read-only.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { silentLogger } from '../../src/log/logger.js';
import { PostgresMonitor } from '../../src/monitor/postgres.js';
import { runResultSchema } from '../../src/model/result.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { freePort, pidsWithMarker } from '../helpers/processes.js';
import { FIXTURES } from '../helpers/servers.js';

let db: TestPostgres;
let dir: string;
beforeAll(async () => {
  db = await startPostgres();
  const c = new pg.Client(db.url);
  await c.connect();
  await c.query('CREATE EXTENSION pg_stat_statements');
  await c.query(
    'CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL, amount numeric NOT NULL, note text)',
  );
  await c.query(
    "INSERT INTO orders (customer_id, amount, note) SELECT (g % 500) + 1, (g % 997) / 10.0, 'order ' || g FROM generate_series(1, 200000) g",
  );
  await c.query('ANALYZE orders');
  await c.end();
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-pg-run-'));
}, 60_000);
afterAll(async () => {
  db?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('PostgreSQL monitoring', () => {
  it('names an unindexed query as the database bottleneck and suggests the index', async () => {
    const port = await freePort();
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      `version: 1
sut:
  command: node ${path.join(FIXTURES, 'orders.mjs')}
  env: { PORT: "${port}", DATABASE_URL: "${db.url}", MARKER: "${path.basename(dir)}" }
  url: http://127.0.0.1:${port}
  ready: { path: /health }
profiles:
  - { name: orders, kind: load, duration: 3s, connections: 4, requests: [{ path: /orders }] }
monitor: { postgres: { urlEnv: PERFGATE_PG_URL } }
`,
    );
    await main(['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out'), '--no-html'], {
      stdout: () => {},
      logger: silentLogger,
      cwd: dir,
      env: { ...process.env, PERFGATE_PG_URL: db.url },
    });
    const r = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')));
    const stats = r.profiles[0]?.resources?.database;
    expect(stats?.statements[0]?.query).toBe(
      'SELECT count(*) AS n, sum(amount) AS total FROM orders WHERE customer_id = $1',
    );
    expect(stats?.statements[0]?.calls).toBeGreaterThan(10);
    expect(stats?.seqScans[0]).toMatchObject({ table: 'public.orders' });
    expect(r.bottlenecks.map((b) => b.kind)).toContain('database');
    const query = r.suggestions.find((s) => s.category === 'query');
    expect(query?.title).toBe(
      'Index public.orders(customer_id): the slowest statement filters on customer_id and the table is read by sequential scans',
    );
    expect(JSON.stringify(r)).not.toContain(db.url);
    expect(await pidsWithMarker(path.basename(dir))).toEqual([]);
  }, 60_000);

  it('reads in a read-only session', async () => {
    const m = await PostgresMonitor.connect(db.url);
    const c = (m as unknown as { client: pg.Client }).client;
    await expect(c.query('CREATE TABLE nope (x int)')).rejects.toThrow(/read-only transaction/);
    await m.close();
  });
});
