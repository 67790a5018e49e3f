/**
 * Suggestion premises (issue 16): each suggestion is made only when what it assumes was measured,
 * once per run however many profiles it applies to, and never from the config's own weights.
 */
import { describe, expect, it } from 'vitest';
import { suggestImprovements } from '../../src/analyze/suggestions.js';
import { profileSchema } from '../../src/config/schema.js';
import type { Bottleneck } from '../../src/model/monitor.js';
import { emptyErrorClasses, type EndpointResult } from '../../src/model/result.js';
import { profile } from '../helpers/results.js';

const cpu = (name: string): Bottleneck => ({
  kind: 'cpu',
  profile: name,
  confidence: 0.9,
  evidence: ['CPU 99% of a core'],
});
const withCpu = (name: string, median: number, p90: number) =>
  profile(name, {
    resources: { samples: [], summary: { cores: 2, cpuPercentMedian: median, cpuPercentP90: p90 } },
  });

describe('more cores', () => {
  it('is suggested when the SUT used about one core', () => {
    const s = suggestImprovements([withCpu('a', 98, 101)], [cpu('a')], []);
    expect(s.map((x) => x.title)).toContain(
      'Use more than one core: the SUT is pinned to one of 2 (node:cluster, worker_threads or more replicas)',
    );
  });
  it('is not suggested when it already used more than one (139 % median, 190 % p90)', () => {
    const s = suggestImprovements([withCpu('a', 139, 190)], [cpu('a')], []);
    expect(s.map((x) => x.category)).not.toContain('resources');
  });
  it('is not suggested when its JavaScript thread was not the one at work (crypto on the libuv pool)', () => {
    const pool = profile('a', {
      resources: {
        samples: [],
        summary: { cores: 2, cpuPercentMedian: 105, cpuPercentP90: 125, mainThreadRunnablePercent: 29 },
      },
    });
    expect(suggestImprovements([pool], [cpu('a')], []).map((x) => x.category)).not.toContain('resources');
  });
});

describe('a hot function', () => {
  const hot = (selfPercent: number) =>
    profile('a', {
      resources: {
        samples: [],
        summary: { cores: 2, cpuPercentMedian: 200, cpuPercentP90: 200 },
        hotFunctions: [{ functionName: 'hash', url: 'file:///app/server.js', line: 3, selfMs: 10, selfPercent }],
      },
    });
  it('is named when it stands out', () => {
    expect(suggestImprovements([hot(42)], [cpu('a')], [])[0]?.title).toMatch(
      /^Look at hash \(\/app\/server\.js:3\): 42%/,
    );
  });
  it('is not offered as the place to look with 1 % of the CPU', () => {
    expect(suggestImprovements([hot(1)], [cpu('a')], []).filter((s) => s.category === 'code')).toEqual([]);
  });
});

describe('the load generator as the limit', () => {
  const gen: Bottleneck = { kind: 'load-generator', profile: 'a', confidence: 0.9, evidence: ['client 99%'] };
  it('does not suggest more runners for a SUT on this machine', () => {
    const [s] = suggestImprovements([profile('a')], [gen], [], { loopbackTarget: true });
    expect(s?.title).not.toMatch(/--shard/);
    expect(s?.title).toMatch(/shares this machine with the SUT/);
  });
  it('suggests --shard for a remote SUT', () => {
    const [s] = suggestImprovements([profile('a')], [gen], [], { loopbackTarget: false });
    expect(s?.title).toMatch(/--shard i\/n/);
  });
});

describe('one suggestion per run', () => {
  it('names every profile the same advice applies to, with each one’s evidence', () => {
    const s = suggestImprovements([withCpu('a', 98, 101), withCpu('b', 99, 100)], [cpu('a'), cpu('b')], []);
    const cores = s.filter((x) => x.category === 'resources');
    expect(cores).toHaveLength(1);
    expect(cores[0]?.profile).toBe('a, b');
    expect(cores[0]?.evidence).toEqual(['a: CPU 99% of a core', 'b: CPU 99% of a core']);
  });
});

describe('caching an answer', () => {
  const endpoint = (name: string, path: string, total: number, mean: number): EndpointResult => ({
    name,
    method: 'GET',
    path,
    requests: { total, ok: total },
    errors: { total: 0, byClass: emptyErrorClasses(), byStatus: {}, samples: [] },
    throughput: { rps: total / 10, bytesPerSec: 0 },
    latency: { min: 1, mean, stdev: 1, p50: mean, p90: mean, p99: mean, p999: mean, max: mean },
  });
  const config = (path: string) =>
    profileSchema.parse({
      name: 'a',
      kind: 'load',
      requests: [
        { path, weight: 4 },
        { name: 'me', path: '/me' },
      ],
    });
  it('is argued from the time the SUT spent, never from the share of requests the config asked for', () => {
    const p = profile('a', { endpoints: [endpoint('GET /report', '/report', 800, 20), endpoint('me', '/me', 200, 1)] });
    const [s] = suggestImprovements([p], [cpu('a')], [config('/report')]).filter((x) => x.category === 'cache');
    expect(s?.title).toBe(
      "Cache the answer to GET /report if it may be reused: it took 99% of the SUT's answering time",
    );
    expect(s?.evidence[0]).toMatch(/this test's mix, not your users' traffic/);
    expect(s?.title).not.toMatch(/traffic/);
  });
  it('is not suggested for a request that varies (a template), nor for answers under 2 ms', () => {
    const varying = profile('a', {
      endpoints: [endpoint('GET /r/{{id}}', '/r/{{id}}', 800, 20), endpoint('me', '/me', 200, 1)],
    });
    expect(
      suggestImprovements([varying], [cpu('a')], [config('/r/{{id}}')]).filter((x) => x.category === 'cache'),
    ).toEqual([]);
    const cheap = profile('a', {
      endpoints: [endpoint('GET /report', '/report', 800, 1), endpoint('me', '/me', 200, 1.5)],
    });
    expect(suggestImprovements([cheap], [cpu('a')], [config('/report')]).filter((x) => x.category === 'cache')).toEqual(
      [],
    );
  });
});
