/**
 * Which per-trial latency statistic is least noisy from boot to boot (issue 18)? Each trial boots
 * the spin server afresh (as an A/B trial does), warms until steady (ab.warmup: auto) and measures
 * 2 s; per trial it reads the pooled-histogram p50 (what the A/B compares), the median of the
 * per-second p50s, the mean, and the 10 %-trimmed mean (from the HDR histogram). The SD of each
 * statistic's log over the trials is its boot-to-boot noise; a pair of trials has √2 times that.
 *
 *   npx tsx bench/ab-statistic.ts [trials=24] [connections=4] [trialMs=2000]
 *
 * Server: bench/fixtures/spin-server.mjs, 2000 µs of busy-spin per request; loopback only.
 */
import * as hdr from 'hdr-histogram-js';
import { createLoadRunner } from '../src/load/index.js';
import { warmUntilSteady } from '../src/profiles/warmup.js';
import { bootSpin, spinRequests as requests, stopSpin } from './fixtures/spin.js';

const [trials = 24, connections = 4, trialMs = 2000] = process.argv.slice(2, 5).map(Number);
const runner = createLoadRunner();

/**
 * Mean of the values between the 10th and the 90th percentile (µs): the integral of the quantile
 * function over (10, 90), read at 800 evenly spaced percentiles (each 0.1 % of the answers).
 */
function trimmedMean(h: hdr.Histogram): number {
  let sum = 0;
  let n = 0;
  for (let p = 10.05; p < 90; p += 0.1, n++) sum += h.getValueAtPercentile(p);
  return sum / n;
}

const stats: Record<string, number[]> = {
  'p50 (pooled)': [],
  'median of per-second p50': [],
  mean: [],
  'trimmed mean 10 %': [],
};
const t0 = performance.now();
for (let i = 0; i < trials; i++) {
  const s = await bootSpin(2000);
  const load = { baseUrl: s.url, requests, model: { kind: 'closed' as const, connections }, timeoutMs: 5_000 };
  await warmUntilSteady(runner, load, 5_000);
  const m = await runner.run({ ...load, durationMs: trialMs, warmupMs: 0 });
  await stopSpin(s.child);
  const seconds = m.timeline
    .map((t) => t.p50)
    .filter((x) => x > 0)
    .sort((a, b) => a - b);
  const h = hdr.decodeFromCompressedBase64(m.histogram!);
  stats['p50 (pooled)']!.push(m.latency.p50);
  stats['median of per-second p50']!.push(seconds[Math.floor((seconds.length - 1) / 2)] ?? NaN);
  stats.mean!.push(m.latency.mean);
  stats['trimmed mean 10 %']!.push(trimmedMean(h) / 1000);
}
const sdLog = (xs: number[]) => {
  const logs = xs.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  return Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
};
console.log(
  `${trials} trials of ${trialMs} ms, ${connections} connections, each on a fresh boot after a warm-up until steady; ${((performance.now() - t0) / 1000).toFixed(0)} s`,
);
console.log('| statistic | median value (ms) | SD of its log across boots | per-pair SD (×√2) |');
console.log('|---|---:|---:|---:|');
for (const [name, xs] of Object.entries(stats)) {
  const sorted = [...xs].sort((a, b) => a - b);
  const sd = sdLog(xs);
  console.log(
    `| ${name} | ${(sorted[Math.floor(sorted.length / 2)] ?? NaN).toFixed(3)} | ${(sd * 100).toFixed(2)} % | ${(sd * Math.SQRT2 * 100).toFixed(2)} % |`,
  );
}
