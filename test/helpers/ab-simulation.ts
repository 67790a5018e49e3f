/**
 * Seeded A/B trial pairs with the noise measured on this machine (by default per-pair log-ratio SD:
 * p50 2.2 %, p99 6.0 %, throughput 1.3 %; p90 assumed 3.5 %), metrics correlated within a pair, and
 * 3 % of pairs hit by a ±15 % CPU-steal burst; the head `slowdown` slower (latency up, throughput
 * down). Another noise (e.g. a campaign's, with a two-mode p50) can be passed.
 * Used by test/compare/simulation.test.ts and bench/ab-simulation.ts.
 */
import { comparePaired, type TrialPair } from '../../src/compare/paired.js';
import { alphaAt, decided, type SequentialPlan } from '../../src/compare/sequential.js';
import type { ComparedMetric } from '../../src/model/compare.js';
import { normalFrom, seededRandom } from '../../src/compare/prng.js';

/** The noise of a simulated runner: per-pair log-ratio SDs, bursts, and (optionally) a p50 with two modes. */
export interface SimulatedNoise {
  sd: { p50: number; p90: number; p99: number; throughput: number };
  /** Share of pairs hit by a ±15 % burst. */
  burst: number;
  /**
   * A trial's p50 in its upper mode (`share` of trials, each on its own) is `factor` times the
   * lower: a closed loop against a CPU-bound server whose queue settles at 3 or 4 requests.
   */
  modes?: { share: number; factor: number };
}

/** The noise measured on this machine with 5 s trials (issue 8's bench), the simulations' default. */
export const MEASURED_NOISE: SimulatedNoise = {
  sd: { p50: 0.022, p90: 0.035, p99: 0.06, throughput: 0.013 },
  burst: 0.03,
};

export function simulatePairs(
  seed: number,
  pairs: number,
  slowdown: number,
  noise: SimulatedNoise = MEASURED_NOISE,
): TrialPair[] {
  const random = seededRandom(seed);
  const z = normalFrom(random);
  const { sd } = noise;
  return Array.from({ length: pairs }, () => {
    const common = z();
    const burst = () => (random() < noise.burst ? (random() - 0.5) * 0.3 : 0);
    // A slower server: latency up by `slowdown`, throughput down by the same factor.
    const moved = (s: number, dir: 1 | -1) =>
      Math.exp(dir * Math.log(1 + slowdown) + s * (0.6 * common * dir + 0.8 * z()) + burst());
    // Each trial's mode on its own: the ratio of a pair jumps by the factor when they differ.
    const mode = () => (noise.modes && random() < noise.modes.share ? noise.modes.factor : 1);
    const base = { p50: 4 * Math.exp(0.05 * z()), p90: 6, p99: 9, throughput: 1000, errorRate: 0 };
    const [baseMode, headMode] = [mode(), mode()];
    return {
      base: { ...base, p50: base.p50 * baseMode },
      head: {
        p50: base.p50 * headMode * moved(sd.p50, 1),
        p90: base.p90 * moved(sd.p90, 1),
        p99: base.p99 * moved(sd.p99, 1),
        throughput: base.throughput * moved(sd.throughput, -1),
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
