/**
 * The seeded fault suite (issue 16): one SUT per fault class with its ground truth known
 * (bench/diagnosis/faults.mjs), each run under load through `perfgate run` with the monitor on,
 * `runs` times; prints the confusion matrix of the top-ranked bottleneck against the truth, the
 * claims made on healthy servers, and the suggestions whose premise the run contradicts.
 *
 *   npx tsx bench/diagnosis/run.ts [runs=5] [case,case,…]
 *
 * PostgreSQL cases start a throwaway cluster (test/helpers/postgres.ts). All traffic is on
 * loopback; every SUT, proxy and cluster is ended by PID when its case is done.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { main } from '../../src/cli.js';
import { silentLogger } from '../../src/log/logger.js';
import { runResultSchema, type RunResult } from '../../src/model/result.js';
import { freePort } from '../../test/helpers/processes.js';
import { startPostgres, type TestPostgres } from '../../test/helpers/postgres.js';

type Truth = 'cpu' | 'event-loop' | 'memory' | 'io' | 'network' | 'database' | 'load-generator' | 'none';

interface Case {
  name: string;
  fault: string;
  truth: Truth;
  /** The load profile (YAML flow mapping without name/kind). */
  load: string;
  postgres?: boolean;
  /** A delaying proxy between perfgate and the SUT, ms each way. */
  proxyDelayMs?: number;
  /** Suggestions that would be false for this fault, whatever the run measured. */
  falseFor?: RegExp[];
}

const CLOSED = 'duration: 6s, warmup: 1s, connections: 4';
const CASES: Case[] = [
  { name: 'cpu-bound JS', fault: 'cpu', truth: 'cpu', load: CLOSED },
  { name: 'CPU on the libuv pool', fault: 'pool', truth: 'cpu', load: CLOSED, falseFor: [/more than one core/i] },
  { name: 'event loop blocked', fault: 'block', truth: 'event-loop', load: CLOSED },
  { name: 'event loop blocked by JSON', fault: 'json', truth: 'event-loop', load: CLOSED },
  { name: 'heap leak', fault: 'heap', truth: 'memory', load: CLOSED },
  { name: 'Buffer leak', fault: 'buffer', truth: 'memory', load: CLOSED },
  { name: 'GC pressure, no leak', fault: 'gc', truth: 'memory', load: CLOSED },
  { name: 'fsync per request', fault: 'disk', truth: 'io', load: CLOSED },
  { name: 'unindexed query', fault: 'pg-slow', truth: 'database', load: CLOSED, postgres: true },
  {
    name: 'pool too small',
    fault: 'pg-pool',
    truth: 'database',
    load: 'duration: 6s, warmup: 1s, connections: 8',
    postgres: true,
  },
  { name: 'lock contention', fault: 'pg-lock', truth: 'database', load: CLOSED, postgres: true },
  { name: 'network latency (proxy)', fault: 'network', truth: 'network', load: CLOSED, proxyDelayMs: 5 },
  {
    name: 'load generator',
    fault: 'generator',
    truth: 'load-generator',
    load: 'duration: 6s, warmup: 1s, connections: 64',
  },
  { name: 'healthy, low load', fault: 'healthy', truth: 'none', load: 'duration: 6s, warmup: 1s, rate: 50' },
  { name: 'healthy, 200 req/s', fault: 'healthy', truth: 'none', load: 'duration: 6s, warmup: 1s, rate: 200' },
];

const runs = Number(process.argv[2] ?? 5);
const only = process.argv[3]?.split(',');
const FAULTS = path.resolve('bench/diagnosis/faults.mjs');
const PROXY = path.resolve('bench/diagnosis/proxy.mjs');

async function preparePostgres(): Promise<TestPostgres> {
  const db = await startPostgres();
  const c = new pg.Client(db.url);
  await c.connect();
  await c.query('CREATE EXTENSION pg_stat_statements');
  await c.query('CREATE TABLE fault_items (id serial PRIMARY KEY, val int NOT NULL, note text)');
  await c.query("INSERT INTO fault_items (val, note) SELECT g % 1000, 'item ' || g FROM generate_series(1, 300000) g");
  await c.query('CREATE TABLE fault_counter (id int PRIMARY KEY, n int NOT NULL)');
  await c.query('INSERT INTO fault_counter VALUES (1, 0)');
  await c.query('ANALYZE');
  await c.end();
  return db;
}

async function runCase(c: Case, dir: string, db: TestPostgres | undefined): Promise<RunResult> {
  const port = await freePort();
  let url = `http://127.0.0.1:${port}`;
  let command = `node ${FAULTS}`;
  if (c.proxyDelayMs !== undefined) {
    // The proxy is part of the SUT's command (its process group, torn down with it), without the
    // probe (NODE_OPTIONS cleared), in front of the server: perfgate loads the proxy's port.
    const front = await freePort();
    command = `env -u NODE_OPTIONS LISTEN_PORT=${front} TARGET_PORT=${port} DELAY_MS=${c.proxyDelayMs} node ${PROXY} & exec node ${FAULTS}`;
    url = `http://127.0.0.1:${front}`;
  }
  const env = [`PORT: "${port}"`, `FAULT: ${c.fault}`, `FAULT_DIR: ${JSON.stringify(dir)}`];
  if (db) env.push(`DATABASE_URL: ${JSON.stringify(db.url)}`);
  const config = path.join(dir, 'perfgate.yml');
  await writeFile(
    config,
    `version: 1
sut:
  command: ${JSON.stringify(command)}
  env: { ${env.join(', ')} }
  url: ${url}
  ready: { path: /health, timeout: 20s }
profiles:
  - { name: fault, kind: load, ${c.load}, requests: [{ path: /work }] }
monitor: { cpuProfile: false${db ? ', postgres: { urlEnv: PERFGATE_PG_URL }' : ''} }
`,
  );
  const out = path.join(dir, 'out');
  // The proxy is in the SUT's process group: perfgate's teardown ends it with the server.
  await main(['run', '--config', config, '--out', out, '--no-html'], {
    stdout: () => {},
    logger: silentLogger,
    cwd: dir,
    env: { ...process.env, ...(db ? { PERFGATE_PG_URL: db.url } : {}) },
  });
  return runResultSchema.parse(JSON.parse(await readFile(path.join(out, 'result.json'), 'utf8')));
}

/**
 * Suggestions that are false here: a case's own (the pool case's work already runs on several
 * threads), keep-alive (faults.mjs keeps connections alive), --shard (the SUT is on this machine),
 * and "more than one core" while the SUT's CPU or main thread said otherwise.
 */
function falseSuggestions(c: Case, r: RunResult): string[] {
  const s = r.profiles[0]?.resources?.summary;
  return r.suggestions
    .filter(
      (g) =>
        (c.falseFor ?? []).some((re) => re.test(g.title)) ||
        /keep connections alive|--shard/i.test(g.title) ||
        (/more than one core/i.test(g.title) &&
          ((s?.cpuPercentP90 ?? 0) > 130 || (s?.mainThreadRunnablePercent ?? 100) < 80)),
    )
    .map((g) => g.title);
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-diagnosis-'));
const KINDS: Truth[] = ['cpu', 'event-loop', 'memory', 'io', 'network', 'database', 'load-generator', 'none'];
const rows: { c: Case; found: Truth[]; claims: string[]; falseOnes: string[] }[] = [];
let db: TestPostgres | undefined;
try {
  for (const c of CASES.filter((x) => !only || only.includes(x.fault))) {
    if (c.postgres && !db) db = await preparePostgres();
    const row = { c, found: [] as Truth[], claims: [] as string[], falseOnes: [] as string[] };
    for (let i = 0; i < runs; i++) {
      const r = await runCase(c, dir, c.postgres ? db : undefined);
      const top = r.bottlenecks[0];
      row.found.push((top?.kind as Truth | undefined) ?? 'none');
      row.claims.push(r.bottlenecks.map((b) => `${b.kind} ${b.confidence.toFixed(2)}`).join(', ') || 'none');
      row.falseOnes.push(...falseSuggestions(c, r));
      process.stderr.write(
        `${c.name} run ${i + 1}: ${row.claims.at(-1)}  [${r.profiles[0]?.throughput.rps.toFixed(0)} req/s]\n`,
      );
      if (process.env.DIAGNOSIS_VERBOSE)
        process.stderr.write(
          `  ${r.status}: ${r.reasons.join('; ')}\n  ${JSON.stringify(r.profiles[0]?.resources?.summary)}\n  ${r.bottlenecks.map((b) => b.evidence.join(' | ')).join('\n  ')}\n`,
        );
    }
    rows.push(row);
  }
} finally {
  db?.stop();
  await rm(dir, { recursive: true, force: true });
}

const header = ['case (truth)', ...KINDS, 'top-1 correct', 'false suggestions'];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
let correct = 0;
let total = 0;
for (const { c, found, falseOnes } of rows) {
  const counts = KINDS.map((k) => found.filter((f) => f === k).length);
  const ok = found.filter((f) => f === c.truth).length;
  correct += ok;
  total += found.length;
  lines.push(
    `| ${c.name} (${c.truth}) | ${counts.map((n) => (n ? String(n) : '·')).join(' | ')} | ${ok}/${found.length} | ${falseOnes.length ? [...new Set(falseOnes)].join('; ') : 'none'} |`,
  );
}
console.log(lines.join('\n'));
console.log(
  `\ntop-1 correct: ${correct}/${total} (${((correct / Math.max(1, total)) * 100).toFixed(0)} %), ${runs} runs per case`,
);
