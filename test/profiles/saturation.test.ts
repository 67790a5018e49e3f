/**
 * When perfgate's own client is the bottleneck, a failed gate must not blame the SUT. A saturated
 * generator cannot be produced on demand on a shared 2-core machine, so the load runner here is
 * a small stand-in that returns a measurement with the generator's evidence attached.
 */
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/read.js';
import type { LoadMeasurement, LoadRunner } from '../../src/load/types.js';
import { silentLogger } from '../../src/log/logger.js';
import { emptyMeasurement } from '../../src/load/empty.js';
import { runProfile } from '../../src/profiles/index.js';

const measured = (saturated: boolean, failedChecks = 0): LoadMeasurement => ({
  ...emptyMeasurement(),
  startedAt: new Date().toISOString(),
  durationSec: 5,
  requests: { total: 5000, ok: 5000 - failedChecks, dropped: 0 },
  errors: {
    total: failedChecks,
    byClass: { '4xx': 0, '5xx': 0, timeout: 0, refused: 0, reset: 0, check: failedChecks, other: 0 },
    byStatus: {},
    samples: [],
  },
  throughput: { rps: 1000, bytesPerSec: 0 },
  latency: { min: 1, mean: 20, stdev: 5, p50: 18, p90: 30, p99: 80, p999: 90, max: 100 },
  generator: {
    cpuPercent: saturated ? 99 : 30,
    eventLoopDelayP99Ms: saturated ? 45 : 1,
    saturated,
    evidence: saturated ? ["perfgate's client thread used 99% of a core"] : [],
  },
});

async function run(saturated: boolean, failedChecks = 0) {
  const settings = parseSettings(
    `version: 1\nsut: { url: "http://127.0.0.1:1" }\nprofiles:\n  - { name: p, kind: load, duration: 5s, connections: 10, slo: { p99: 50ms } }\n`,
    '/tmp/perfgate.yml',
    {},
  );
  const runner: LoadRunner = { run: async () => measured(saturated, failedChecks) };
  const profile = settings.config.profiles[0];
  if (!profile) throw new Error('no profile');
  return runProfile(
    {
      settings,
      config: settings.config,
      baseUrl: 'http://127.0.0.1:1',
      sut: undefined,
      loadRunner: runner,
      logger: silentLogger,
      signal: new AbortController().signal,
      outDir: '/tmp',
      env: {},
      onSecret: () => {},
    },
    profile,
  );
}

describe('a saturated load generator', () => {
  it('turns a failed SLO into inconclusive, with the evidence', async () => {
    const r = await run(true);
    expect(r.status).toBe('inconclusive');
    expect(r.reasons.join('\n')).toContain("load generator saturated: perfgate's client thread used 99% of a core");
  });
  it('keeps a missed error limit a failure when the errors are the SUT’s own answers (failed checks)', async () => {
    const r = await run(true, 2500);
    expect(r.status).toBe('fail');
    expect(r.reasons.join('\n')).toMatch(/errorRate 50\.00%/);
  });
  it('leaves a failure a failure when the generator had headroom', async () => {
    const r = await run(false);
    expect(r.status).toBe('fail');
  });
});
