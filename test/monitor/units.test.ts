import { describe, expect, it } from 'vitest';
import { classifyBottlenecks, growth } from '../../src/analyze/bottlenecks.js';
import { filteredColumn } from '../../src/analyze/suggestions.js';
import { hotFunctions, type CpuProfile } from '../../src/monitor/cpu-profile.js';
import { isNodeCommand } from '../../src/monitor/observer.js';
import { parseExposition, seriesMatcher } from '../../src/monitor/prometheus.js';
import { profile } from '../publish/results.js';

describe('parseExposition', () => {
  it('reads names, sorted labels with escapes, values and special floats; skips comments', () => {
    const text = '# HELP x y\n# TYPE a counter\na_total{z="1",a="q\\"uote"} 42 1700000000000\nb 3.5\nc{le="+Inf"} +Inf\nbroken line\n';
    expect(parseExposition(text)).toEqual([
      { name: 'a_total', series: 'a_total{a="q\\"uote",z="1"}', value: 42 },
      { name: 'b', series: 'b', value: 3.5 },
      { name: 'c', series: 'c{le="+Inf"}', value: Infinity },
    ]);
  });
  it('matches series by name or prefix*', () => {
    const keep = seriesMatcher(['pool_size', 'queue_*']);
    expect(['pool_size', 'pool_size_max', 'queue_depth', 'other'].filter(keep)).toEqual(['pool_size', 'queue_depth']);
  });
});

describe('hotFunctions', () => {
  it('ranks self time from samples and time deltas, leaves pseudo-frames out, and reports GC', () => {
    const frame = (id: number, functionName: string, url = 'file:///app/server.js', lineNumber = 9) => ({ id, callFrame: { functionName, url, lineNumber }, hitCount: 0 });
    const p: CpuProfile = {
      nodes: [frame(1, '(root)', ''), frame(2, 'handle'), frame(3, 'hash', 'file:///app/server.js', 41), frame(4, '(garbage collector)', ''), frame(5, '(idle)', ''), frame(6, 'parse', 'node:internal/url', 3)],
      startTime: 0,
      endTime: 100_000,
      samples: [3, 3, 3, 3, 2, 4, 5, 5, 6, 3],
      timeDeltas: [0, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
    };
    const r = hotFunctions([p]);
    expect(r.functions[0]).toMatchObject({ functionName: 'hash', url: 'file:///app/server.js', line: 42 });
    expect(r.functions.map((f) => f.functionName)).not.toContain('(idle)');
    expect(r.gcPercent).toBeGreaterThan(0);
  });
});

describe('bottleneck rules on measured numbers', () => {
  const withSummary = (summary: Record<string, number>, extra = {}) => profile('p', { resources: { samples: [], summary }, ...extra });
  it.each([
    ['CPU at 97% of a core', withSummary({ cpuPercentMedian: 97, cpuPercentP90: 99 }), ['cpu']],
    ['CPU at 60%', withSummary({ cpuPercentMedian: 60 }), []],
    ['CPU at 70%, main thread runnable 97% (27% queued)', withSummary({ cpuPercentMedian: 70, mainThreadRunnablePercent: 97, mainThreadRunQueuePercent: 27 }), ['cpu']],
    ['CPU at 40%, main thread runnable 45%', withSummary({ cpuPercentMedian: 40, mainThreadRunnablePercent: 45, mainThreadRunQueuePercent: 5 }), []],
    ['event-loop delay median 12 ms (Clinic: ≥ 10)', withSummary({ eventLoopDelayP50Ms: 12, eventLoopDelayMaxMs: 30, cpuPercentMedian: 20 }), ['event-loop']],
    ['event-loop max 150 ms (Clinic: ≥ 100)', withSummary({ eventLoopDelayP50Ms: 1, eventLoopDelayMaxMs: 150 }), ['event-loop']],
    ['disk at 80 MiB/s', withSummary({ readBytesPerSec: 80 * 1024 * 1024 }), ['io']],
    ['2% TCP retransmits', withSummary({ tcpRetransPercent: 2 }), ['network']],
    ['client at 95% of a core', withSummary({ cpuPercentMedian: 40 }, { generator: { cpuPercent: 95, eventLoopDelayP99Ms: 1, saturated: true, evidence: ["perfgate's client thread used 95% of a core"] } }), ['load-generator']],
    ['a quiet run', withSummary({ cpuPercentMedian: 5, eventLoopDelayP50Ms: 0.1, eventLoopDelayMaxMs: 3 }), []],
  ])('%s → %o', (_name, p, kinds) => {
    expect(classifyBottlenecks([p]).map((b) => b.kind)).toEqual(kinds);
  });

  it('needs steady growth for a leak: a sawtooth (GC) is not one', () => {
    const steady = Array.from({ length: 30 }, (_, i) => [i / 10, 100e6 + i * 5e6] as [number, number]);
    const saw = Array.from({ length: 30 }, (_, i) => [i / 10, 100e6 + (i % 5) * 20e6] as [number, number]);
    expect(growth(steady)?.r2).toBeCloseTo(1, 5);
    expect(growth(saw)?.r2).toBeLessThan(0.8);
  });
});

describe('helpers', () => {
  it.each([
    ['SELECT * FROM orders WHERE customer_id = $1', 'customer_id'],
    ['select sum(x) from t where "t"."Email" like $1', 'Email'],
    ['SELECT 1', undefined],
  ])('filteredColumn(%s) = %s', (q, col) => {
    expect(filteredColumn(q)).toBe(col);
  });
  it.each([
    ['node server.js', true],
    ['npm start', true],
    ['cd api && npx tsx src/main.ts', true],
    ['./bin/server --port 3000', false],
    ['python -m http.server', false],
  ])('isNodeCommand(%s) = %s', (cmd, expected) => {
    expect(isNodeCommand(cmd)).toBe(expected);
  });
});

describe('HTTP hygiene', () => {
  it('suggests compression for large uncompressed JSON and keep-alive for a server that closes connections', async () => {
    const http = await import('node:http');
    const { probeHttp, hygieneSuggestions } = await import('../../src/monitor/http-hygiene.js');
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as import('node:net').AddressInfo;
      const found = await probeHttp(`http://127.0.0.1:${port}`, '/api/items');
      expect(found).toMatchObject({ path: '/api/items', encoding: undefined, connection: 'close' });
      const s = hygieneSuggestions('browse', found ? [found] : [], 1000);
      expect(s.map((x) => x.category)).toEqual(['config', 'config']);
      expect(s[0]?.title).toMatch(/^Compress responses: \/api\/items sends \d+\.\d KiB of application\/json uncompressed/);
      expect(s[1]?.title).toBe('Keep connections alive: the server closes the connection after every response');
      expect(s.every((x) => x.requiresHumanReview)).toBe(true);
    } finally {
      server.close();
    }
  });
});
