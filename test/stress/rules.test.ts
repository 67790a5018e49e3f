import { describe, expect, it } from 'vitest';
import { breakReason, rampSteps, type StressStep } from '../../src/stress/breaking.js';
import { exhaustionFindings } from '../../src/stress/exhaustion.js';
import { parseNetstat } from '../../src/proc/read.js';
import type { ResourceSnapshot } from '../../src/proc/snapshot.js';
import { judgeRecovery } from '../../src/stress/recovery.js';
import type { TimelinePoint } from '../../src/model/result.js';

const step = (
  offered: number,
  achievedRps: number,
  p99: number,
  extra: Partial<StressStep & { sloDetail: string[] }> = {},
) => ({
  offered,
  achievedRps,
  p50: p99 / 2,
  p99,
  errorRate: 0,
  metSlo: true,
  sloDetail: [],
  ...extra,
});

describe('rampSteps', () => {
  it.each([
    [{ start: 50, step: 25, max: 150 }, [50, 75, 100, 125, 150]],
    [{ start: 100, step: 200, max: 400 }, [100, 300, 400]],
    [{ start: 10, step: 10, max: 10 }, [10]],
  ])('%o → %o', (ramp, steps) => {
    expect(rampSteps(ramp)).toEqual(steps);
  });
});

describe('breakReason', () => {
  it('goes on while throughput follows the offered load', () => {
    expect(breakReason(step(100, 100, 10), step(200, 199, 11), 0.05)).toBeUndefined();
  });
  it('names errors past the limit first', () => {
    expect(
      breakReason(undefined, step(100, 90, 10, { errorRate: 0.2, metSlo: false, sloDetail: ['x'] }), 0.05)?.reason,
    ).toBe('errors');
  });
  it('names a broken SLO with its detail', () => {
    const why = breakReason(
      undefined,
      step(100, 100, 300, { metSlo: false, sloDetail: ['p99 300 ms (limit ≤ 100 ms)'] }),
      0.05,
    );
    expect(why).toMatchObject({ reason: 'slo' });
    expect(why?.detail).toContain('p99 300 ms');
  });
  it('finds the knee: throughput flat while latency climbs', () => {
    const why = breakReason(step(200, 198, 10), step(300, 205, 40), 0.05);
    expect(why?.reason).toBe('knee');
    expect(why?.detail).toMatch(/throughput stopped rising \(\+4% for \+50% more load\) while p99 climbed \+300%/);
  });
  it('does not call a latency blip a knee when throughput still rises', () => {
    expect(breakReason(step(200, 198, 10), step(300, 297, 40), 0.05)).toBeUndefined();
  });
});

const tl = (points: [rps: number, p99: number, errors: number][]): TimelinePoint[] =>
  points.map(([rps, p99, errors], t) => ({ t, rps, p50: p99 / 2, p99, errors }));

describe('judgeRecovery', () => {
  it('measures the seconds until the SUT is healthy for good', () => {
    expect(
      judgeRecovery(
        tl([
          [20, 900, 0],
          [20, 400, 0],
          [20, 30, 0],
          [20, 25, 0],
          [20, 20, 0],
        ]),
        { p99: 100, errorRate: 0.01 },
      ),
    ).toEqual({ recovered: true, seconds: 2 });
  });
  it('is not fooled by one good second in the middle', () => {
    const r = judgeRecovery(
      tl([
        [20, 30, 0],
        [20, 900, 0],
        [20, 900, 0],
      ]),
      { p99: 100, errorRate: 0.01 },
    );
    expect(r.recovered).toBe(false);
    expect(r.reason).toContain('p99 900.0 ms over 100.0 ms');
  });
  it('says so when it is still erroring', () => {
    const r = judgeRecovery(
      tl([
        [20, 10, 20],
        [20, 10, 20],
      ]),
      { p99: 100, errorRate: 0.01 },
    );
    expect(r).toMatchObject({ recovered: false, seconds: null });
    expect(r.reason).toContain('100% errors');
  });
});

describe('exhaustion', () => {
  it('parses /proc/net/netstat pairs of lines', () => {
    const text = 'TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 7 9\nIpExt: InNoRoutes\nIpExt: 3\n';
    expect(parseNetstat(text)).toEqual({
      TcpExt: { SyncookiesSent: 0, ListenOverflows: 7, ListenDrops: 9 },
      IpExt: { InNoRoutes: 3 },
    });
  });
  it('reports what ran out, the crash first', () => {
    const before: ResourceSnapshot = { fds: 20, fdLimit: 1024, rssBytes: 50e6, listenOverflows: 3, listenDrops: 3 };
    const peak: ResourceSnapshot = { fds: 1000, fdLimit: 1024, rssBytes: 400e6, listenOverflows: 13, listenDrops: 15 };
    const findings = exhaustionFindings({
      before,
      peak,
      refused: 4,
      reset: 0,
      timeouts: 2,
      dropped: 0,
      crash: { code: 134, signal: null, atMs: 12_300, logTail: 'FATAL ERROR: Reached heap limit Allocation failed' },
    });
    expect(findings.map((f) => f.resource)).toEqual([
      'memory',
      'file-descriptors',
      'listen-queue',
      'memory',
      'connections',
      'time',
    ]);
    expect(findings[0]?.detail).toContain('exited with code 134 12.3s after start');
    expect(findings[2]?.detail).toContain('overflowed 10 times (12 SYNs dropped)');
  });
});
