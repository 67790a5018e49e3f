/**
 * Seeded A/B trial pairs with the noise measured on this machine (per-pair log-ratio SD: p50 2.2 %,
 * p99 6.0 %, throughput 1.3 %; p90 assumed 3.5 %), metrics correlated within a pair, and 3 % of
 * pairs hit by a ±15 % CPU-steal burst; the head `slowdown` slower (latency up, throughput down).
 * Used by test/compare/simulation.test.ts and bench/ab-simulation.ts.
 */
import { comparePaired, type TrialPair } from '../../src/compare/paired.js';
import { alphaAt, decided, type SequentialPlan } from '../../src/compare/sequential.js';
import type { ComparedMetric } from '../../src/model/compare.js';
import { normalFrom, seededRandom } from '../../src/compare/prng.js';

const SIMULATED_SD = { p50: 0.022, p90: 0.035, p99: 0.06, throughput: 0.013 };

export function simulatePairs(seed: number, pairs: number, slowdown: number): TrialPair[] {
  const random = seededRandom(seed);
  const z = normalFrom(random);
  return Array.from({ length: pairs }, () => {
    const common = z();
    const burst = () => (random() < 0.03 ? (random() - 0.5) * 0.3 : 0);
    // A slower server: latency up by `slowdown`, throughput down by the same factor.
    const moved = (sd: number, dir: 1 | -1) =>
      Math.exp(dir * Math.log(1 + slowdown) + sd * (0.6 * common * dir + 0.8 * z()) + burst());
    const base = { p50: 4 * Math.exp(0.05 * z()), p90: 6, p99: 9, throughput: 1000, errorRate: 0 };
    return {
      base,
      head: {
        p50: base.p50 * moved(SIMULATED_SD.p50, 1),
        p90: base.p90 * moved(SIMULATED_SD.p90, 1),
        p99: base.p99 * moved(SIMULATED_SD.p99, 1),
        throughput: base.throughput * moved(SIMULATED_SD.throughput, -1),
        errorRate: 0,
      },
    };
  });
}

/**
 * A sequential A/B over `all` pairs as run/ab.ts makes it: a comparison at each look at that
 * look's alpha, stopping at the first that decides; its metrics and the pairs it ran.
 */
export function runSequential(
  all: TrialPair[],
  plan: SequentialPlan,
  options: { minEffect: number; gates: Record<string, number> },
): { metrics: ComparedMetric[]; pairs: number } {
  let metrics: ComparedMetric[] = [];
  for (const n of plan.looks) {
    metrics = comparePaired({ api: all.slice(0, n) }, { alpha: alphaAt(plan, n), ...options }).metrics;
    if (decided(metrics, options.minEffect) || n === plan.looks.at(-1)) return { metrics, pairs: n };
  }
  return { metrics, pairs: all.length };
}
