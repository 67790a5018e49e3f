/**
 * Fault case 14 (issue 15): inputs with hundreds of thousands of entries once crashed with
 * "Maximum call stack size exceeded" from `Math.min(...samples)`, which passes every element as
 * an argument. A 1,000,000-row CSV JTL and a 300,000-sample XML JTL are written to a temp folder
 * and imported; the resource summary gets 300,000 samples.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarize } from '../../src/monitor/summary.js';
import { readResult, runCli } from '../helpers/cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-large-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = 1_700_000_000_000;

/** Writes `rows` lines made by `line(i)`, in batches, honouring back-pressure. */
async function writeLines(file: string, head: string, rows: number, line: (i: number) => string, tail = '') {
  const out = createWriteStream(file);
  out.write(head);
  for (let i = 0; i < rows;) {
    const batch: string[] = [];
    for (const end = Math.min(rows, i + 10_000); i < end; i++) batch.push(line(i));
    if (!out.write(batch.join(''))) await once(out, 'drain');
  }
  out.end(tail);
  await once(out, 'finish');
}

describe('large inputs', () => {
  it('imports a 1,000,000-row CSV JTL', async () => {
    const file = path.join(dir, 'big.jtl');
    // 1 row per ms over 1000 s; elapsed 1..50 ms; every 1000th row a 500.
    await writeLines(
      file,
      'timeStamp,elapsed,label,responseCode,responseMessage,success,bytes\n',
      1_000_000,
      (i) =>
        `${T0 + i},${(i % 50) + 1},${i % 2 ? 'GET /a' : 'GET /b'},${i % 1000 ? '200,OK,true' : '500,"Err, x",false'},100\n`,
    );
    const run = await runCli(['import', 'jtl', file, '--out', path.join(dir, 'out'), '--no-html']);
    expect(run.errors).toBe('');
    expect(run.code).toBe(0);
    const result = await readResult(path.join(dir, 'out'));
    const [all, a, b] = result.profiles;
    expect(all?.requests.total).toBe(1_000_000);
    expect(all?.errors.byStatus).toEqual({ '500': 1000 });
    expect(all?.latency.max).toBe(50);
    expect(all?.startedAt).toBe(new Date(T0).toISOString());
    expect([a?.name, a?.requests.total, b?.name, b?.requests.total]).toEqual([
      'big · GET /b',
      500_000,
      'big · GET /a',
      500_000,
    ]);
  }, 30_000);

  it('imports a 300,000-sample XML JTL, counting only top-level samples', async () => {
    const file = path.join(dir, 'big.xml');
    // Every 10th sample carries a sub-result (a redirect hop) that must not count as a sample.
    await writeLines(
      file,
      '<?xml version="1.0" encoding="UTF-8"?>\n<testResults version="1.2">\n',
      300_000,
      (i) =>
        i % 10
          ? `<httpSample t="${(i % 20) + 1}" ts="${T0 + i}" s="true" lb="GET /x?a=1&amp;b=2" rc="200" rm="OK" by="10"/>\n`
          : `<httpSample t="7" ts="${T0 + i}" s="false" lb="GET /x?a=1&amp;b=2" rc="503" rm="Unavailable" by="10">` +
            `<httpSample t="3" ts="${T0 + i}" s="true" lb="hop" rc="302" rm="Found" by="0"/></httpSample>\n`,
      '</testResults>\n',
    );
    const run = await runCli(['import', 'jtl', file, '--out', path.join(dir, 'out'), '--no-html']);
    expect(run.errors).toBe('');
    const result = await readResult(path.join(dir, 'out'));
    expect(result.profiles.map((p) => p.name)).toEqual(['big']);
    expect(result.profiles[0]?.requests.total).toBe(300_000);
    expect(result.profiles[0]?.errors.byStatus).toEqual({ '503': 30_000 });
    expect(result.profiles[0]?.latency.max).toBe(20);
  }, 30_000);

  it('summarizes 300,000 resource samples and probe lines', () => {
    const n = 300_000;
    const summary = summarize({
      cores: 2,
      seconds: n / 10,
      samples: Array.from({ length: n }, (_, i) => ({
        t: i / 10,
        cpuPercent: 50,
        rssBytes: 1000 + (i === 123_456 ? 5000 : i % 7),
        readBytesPerSec: 0,
        writeBytesPerSec: 0,
        fds: i === 7 ? 99 : 10,
        threads: 4,
      })),
      probe: Array.from({ length: n }, (_, i) => ({
        pid: 1,
        ts: T0 + i * 100,
        eldP50: 1,
        eldP99: 2,
        eldMax: i === 200_000 ? 77 : 3,
        elu: 0.5,
        gcMs: 0,
        heapUsed: 1,
        rss: 1,
      })),
    });
    expect([summary.rssMaxBytes, summary.fdsMax, summary.threadsMax, summary.eventLoopDelayMaxMs]).toEqual([
      6000, 99, 4, 77,
    ]);
  });
});
