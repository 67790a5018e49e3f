import { describe, expect, it } from 'vitest';
import { classifyBottlenecks, growth } from '../../src/analyze/bottlenecks.js';
import { filteredColumn } from '../../src/analyze/suggestions.js';
import { hotFunctions, type CpuProfile } from '../../src/monitor/cpu-profile.js';
import { isNodeCommand } from '../../src/monitor/collectors/index.js';
import { parseExposition, seriesMatcher } from '../../src/monitor/prometheus.js';
import { ResourceSampler } from '../../src/monitor/sampler.js';
import { summarize, type ProbeLine, type SummaryInput } from '../../src/monitor/summary.js';
import { resourceSummarySchema, type ResourceSummary } from '../../src/model/monitor.js';
import { runResultSchema } from '../../src/model/result.js';
import type { ProcessCounters, SystemCounters } from '../../src/proc/counters.js';
import { profile, result } from '../publish/results.js';

describe('parseExposition', () => {
  it('reads names, sorted labels with escapes, values and special floats; skips comments', () => {
    const text =
      '# HELP x y\n# TYPE a counter\na_total{z="1",a="q\\"uote"} 42 1700000000000\nb 3.5\nc{le="+Inf"} +Inf\nbroken line\n';
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
    const frame = (id: number, functionName: string, url = 'file:///app/server.js', lineNumber = 9) => ({
      id,
      callFrame: { functionName, url, lineNumber },
      hitCount: 0,
    });
    const p: CpuProfile = {
      nodes: [
        frame(1, '(root)', ''),
        frame(2, 'handle'),
        frame(3, 'hash', 'file:///app/server.js', 41),
        frame(4, '(garbage collector)', ''),
        frame(5, '(idle)', ''),
        frame(6, 'parse', 'node:internal/url', 3),
      ],
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
  const withSummary = (summary: ResourceSummary, extra = {}) =>
    profile('p', { resources: { samples: [], summary }, ...extra });
  it.each([
    ['CPU at 97% of a core', withSummary({ cpuPercentMedian: 97, cpuPercentP90: 99 }), ['cpu']],
    ['CPU at 60%', withSummary({ cpuPercentMedian: 60 }), []],
    [
      'CPU at 70%, main thread runnable 97% (27% queued)',
      withSummary({ cpuPercentMedian: 70, mainThreadRunnablePercent: 97, mainThreadRunQueuePercent: 27 }),
      ['cpu'],
    ],
    [
      'CPU at 40%, main thread runnable 45%',
      withSummary({ cpuPercentMedian: 40, mainThreadRunnablePercent: 45, mainThreadRunQueuePercent: 5 }),
      [],
    ],
    [
      'event-loop delay median 12 ms (Clinic: ≥ 10)',
      withSummary({ eventLoopDelayP50Ms: 12, eventLoopDelayMaxMs: 30, cpuPercentMedian: 20 }),
      ['event-loop'],
    ],
    [
      'event-loop max 150 ms (Clinic: ≥ 100)',
      withSummary({ eventLoopDelayP50Ms: 1, eventLoopDelayMaxMs: 150 }),
      ['event-loop'],
    ],
    ['disk at 80 MiB/s', withSummary({ readBytesPerSec: 80 * 1024 * 1024 }), ['io']],
    [
      'client at 95% of a core',
      withSummary(
        { cpuPercentMedian: 40 },
        {
          generator: {
            cpuPercent: 95,
            eventLoopDelayP99Ms: 1,
            saturated: true,
            evidence: ["perfgate's client thread used 95% of a core"],
          },
        },
      ),
      ['load-generator'],
    ],
    ['a quiet run', withSummary({ cpuPercentMedian: 5, eventLoopDelayP50Ms: 0.1, eventLoopDelayMaxMs: 3 }), []],
  ])('%s → %o', (_name, p, kinds) => {
    expect(classifyBottlenecks([p]).map((b) => b.kind)).toEqual(kinds);
  });

  it('cites machine-wide TCP retransmits only for a target off this machine (on loopback they are other traffic)', () => {
    const p = withSummary({ tcpRetransPercent: 4 });
    expect(classifyBottlenecks([p], { loopbackTarget: true })).toEqual([]);
    const remote = classifyBottlenecks([p], { loopbackTarget: false });
    expect(remote.map((b) => [b.kind, b.evidence])).toEqual([
      ['network', ['4.0% of TCP segments retransmitted (machine-wide)']],
    ]);
    // A full listen queue is the SUT's own, on loopback too.
    expect(classifyBottlenecks([withSummary({ tcpRetransPercent: 4, listenOverflows: 7 })]).map((b) => b.kind)).toEqual(
      ['network'],
    );
  });

  it('judges the heap, the memory outside it and the RSS each on its own', () => {
    const MiB = 1024 * 1024;
    // A sawtooth heap (collected every 5 samples), Buffers growing 2 MiB a sample, RSS following them.
    const samples = Array.from({ length: 30 }, (_, i) => ({
      t: i / 2,
      cpuPercent: 20,
      rssBytes: 200 * MiB + i * 2 * MiB,
      heapUsedBytes: 40 * MiB + (i % 5) * 8 * MiB,
      externalBytes: 10 * MiB + i * 2 * MiB,
    }));
    const p = profile('p', { requests: { total: 1000, ok: 1000, dropped: 0 }, resources: { samples, summary: {} } });
    const [memory] = classifyBottlenecks([p]);
    expect(memory?.kind).toBe('memory');
    expect(memory?.evidence).toEqual([
      'memory outside the V8 heap (Buffers, ArrayBuffers) grew 240 MiB/min (58 MiB over the profile, linear fit R² 1.00), about 59.4 KiB retained per request',
      'RSS grew 240 MiB/min (58 MiB over the profile, linear fit R² 1.00), about 59.4 KiB retained per request',
    ]);
  });

  it('needs steady growth for a leak: a sawtooth (GC) is not one', () => {
    const steady = Array.from({ length: 30 }, (_, i) => [i / 10, 100e6 + i * 5e6] as [number, number]);
    const saw = Array.from({ length: 30 }, (_, i) => [i / 10, 100e6 + (i % 5) * 20e6] as [number, number]);
    expect(growth(steady)?.r2).toBeCloseTo(1, 5);
    expect(growth(saw)?.r2).toBeLessThan(0.8);
  });
});

describe('resource summary', () => {
  const counters = (c: Partial<ProcessCounters>): ProcessCounters => ({
    cpuTicks: 0,
    userTicks: 0,
    systemTicks: 0,
    rssBytes: 0,
    threads: 0,
    readBytes: 0,
    writeBytes: 0,
    fds: 0,
    ctxSwitches: 0,
    ...c,
  });
  const system = (c: Partial<SystemCounters>): SystemCounters => ({
    steal: 0,
    total: 0,
    idle: 0,
    iowait: 0,
    retransSegs: 0,
    outSegs: 0,
    listenOverflows: 0,
    disks: { vda: { busyMs: 0, weightedMs: 0 } },
    ...c,
  });
  const line = (i: number): ProbeLine => ({
    pid: 7,
    ts: 1_000_000 + i * 250,
    eldP50: 1 + i,
    eldP99: 10 + i,
    eldMax: 20 + i,
    elu: 0.5,
    gcMs: 5,
    heapUsed: 50e6 + i * 1e6,
    rss: 0,
    srvMs: 10 + i,
    srvN: 10,
  });
  // Two seconds with every source present: 150 ticks (1.5 s) of CPU, 50 of them in the kernel.
  const full: SummaryInput = {
    cores: 4,
    seconds: 2,
    samples: [0.5, 1, 1.5, 2].map((t, i) => ({
      t,
      cpuPercent: 60 + 10 * i,
      rssBytes: 100e6 + i * 1e6,
      fds: 20 + i,
      threads: 11,
    })),
    probe: [0, 1, 2, 3].map(line),
    tree: {
      start: counters({ rssBytes: 99e6, ctxSwitches: 100 }),
      end: counters({ cpuTicks: 150, systemTicks: 50, readBytes: 4096, ctxSwitches: 300 }),
    },
    system: {
      start: system({}),
      end: system({
        total: 1000,
        steal: 10,
        iowait: 50,
        outSegs: 200,
        retransSegs: 4,
        listenOverflows: 3,
        disks: { vda: { busyMs: 1500, weightedMs: 3000 }, vdb: { busyMs: 100, weightedMs: 100 } },
      }),
    },
    mainThread: { runnablePercent: 95, queuedPercent: 20 },
  };

  it('writes every field of the schema, and nothing else, when every source is present', () => {
    const s = summarize(full);
    expect(resourceSummarySchema.strict().parse(s)).toEqual(s);
    expect(Object.keys(s).sort()).toEqual(Object.keys(resourceSummarySchema.shape).sort());
  });

  it('computes each field from its source', () => {
    expect(summarize(full)).toMatchObject({
      cores: 4,
      cpuPercentMedian: 75,
      cpuPercentMean: 75,
      systemCpuShare: 1 / 3,
      ctxSwitchesPerSec: 100,
      readBytesPerSec: 2048,
      writeBytesPerSec: 0,
      rssStartBytes: 99e6,
      rssEndBytes: 103e6,
      rssMaxBytes: 103e6,
      rssGrowthBytesPerMin: 120e6,
      fdsMax: 23,
      threadsMax: 11,
      stealPercent: 1,
      iowaitPercent: 5,
      tcpRetransPercent: 2,
      listenOverflows: 3,
      eventLoopDelayP50Ms: 2.5,
      eventLoopDelayMaxMs: 23,
      eventLoopUtilization: 0.5,
      gcMsPerSec: 10,
      heapGrowthBytesPerMin: 240e6,
      heapEndBytes: 53e6,
      // vda had I/O in flight 1.5 s of the 2 s window, 2 requests on average.
      diskBusyPercent: 75,
      diskQueueDepth: 1.5,
      // 46 ms over 40 requests the probe timed inside the SUT.
      serverTimeMeanMs: 1.15,
      serverRequests: 40,
      mainThreadRunnablePercent: 95,
      mainThreadRunQueuePercent: 20,
    });
  });

  it('reads the event-loop delay from the intervals in which the loop reached its timer', () => {
    // A loop held 45 ms per request, four requests per turn: most intervals saw no timer at all.
    const held = [0, 1, 2, 3, 4].map((i) => ({
      ...line(i),
      eldN: i % 2 === 0 ? 0 : 1,
      eldP50: i % 2 === 0 ? 0 : 160,
      eldP99: i % 2 === 0 ? 0 : 160,
    }));
    const s = summarize({ cores: 2, seconds: 1.25, samples: [], probe: held });
    expect(s.eventLoopDelayP50Ms).toBe(160);
    expect(s.eventLoopDelayP99Ms).toBe(160);
  });

  it('leaves out what a missing source would have given', () => {
    expect(summarize({ cores: 2, seconds: 1, samples: [], probe: [] })).toEqual({ cores: 2 });
  });

  it('reads a result.json written when the summary was a string-keyed record, dropping keys it does not know', () => {
    const old: Record<string, number> = { ...summarize(full), aKeyFromAnotherVersion: 1 };
    const stored = JSON.parse(JSON.stringify(result([profile('p', { resources: { samples: [], summary: {} } })]))) as {
      profiles: { resources: { summary: unknown } }[];
    };
    for (const p of stored.profiles) p.resources.summary = old;
    const parsed = runResultSchema.parse(stored).profiles[0]?.resources?.summary;
    expect(parsed).toEqual(summarize(full));
    expect(parsed?.cpuPercentMedian).toBe(75);
  });

  it('samples this process: peaks while it runs, then a summary the schema accepts as it is', async () => {
    const sampler = new ResourceSampler(() => [process.pid], 10);
    sampler.start();
    // Time, not an event, is what the sampler needs: a few of its 10 ms intervals.
    await new Promise((r) => setTimeout(r, 60));
    const peak = sampler.peak();
    const { samples, summary } = sampler.stop();
    expect(peak.rssMaxBytes).toBeGreaterThan(1e6);
    expect(peak.fdsMax).toBeGreaterThan(2);
    expect(summary.rssMaxBytes).toBeGreaterThanOrEqual(peak.rssMaxBytes);
    expect(summary.cpuPercentMedian).toBeDefined();
    expect(samples.length).toBeGreaterThan(1);
    expect(resourceSummarySchema.strict().parse(summary)).toEqual(summary);
  });

  it('reads a result.json with no summary as an empty one', () => {
    const stored = JSON.parse(JSON.stringify(result([profile('p', { resources: { samples: [], summary: {} } })]))) as {
      profiles: { resources: Record<string, unknown> }[];
    };
    for (const p of stored.profiles) delete p.resources.summary;
    expect(runResultSchema.parse(stored).profiles[0]?.resources?.summary).toEqual({});
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
    const { probeHttp } = await import('../../src/monitor/http-hygiene.js');
    const { hygieneSuggestions } = await import('../../src/analyze/hygiene.js');
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
      expect(s[0]?.title).toMatch(
        /^Compress responses: \/api\/items sends \d+\.\d KiB of application\/json uncompressed/,
      );
      expect(s[1]?.title).toBe('Keep connections alive: the server closes the connection after every response');
      expect(s.every((x) => x.requiresHumanReview)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('does not tell a Node server that keeps connections (its default) to keep them alive', async () => {
    const http = await import('node:http');
    const { probeHttp } = await import('../../src/monitor/http-hygiene.js');
    const { hygieneSuggestions } = await import('../../src/analyze/hygiene.js');
    let connectionHeader: string | undefined;
    const server = http.createServer((req, res) => {
      connectionHeader = req.headers.connection;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as import('node:net').AddressInfo;
      const found = await probeHttp(`http://127.0.0.1:${port}`, '/');
      expect(connectionHeader).toBe('keep-alive');
      expect(found?.connection).toBe('keep-alive');
      expect(hygieneSuggestions('browse', found ? [found] : [], 1000)).toEqual([]);
    } finally {
      server.close();
    }
  });
});
