/**
 * The A/B verdict rule on seeded simulations (issue 18): how often a true change is flagged, and
 * how often identical code is, by number of pairs, under the current rule and the previous one.
 *
 *   npx tsx bench/ab-simulation.ts [runs=10000]
 *
 * Noise: test/helpers/ab-simulation.ts (per-pair log-ratio SD measured on this machine; 3 % of
 * pairs hit by a ±15 % burst). alpha 0.01, Holm over p50/p90/p99/throughput, minEffect 2 %.
 * "Flagged" is a `regression` verdict on the metric (whatever its gate says); "A/A any" is any
 * metric flagged either way in identical runs. The previous rule also needed the estimate itself
 * past minEffect; its verdicts are a subset of the current ones, computed from the same runs.
 *
 * Then the group-sequential design (ab.sequential, src/compare/sequential.ts): up to 32 or 48
 * pairs in blocks of 8, stopping at the first look that decides every gated metric; the flagged
 * rates, the false alarms over all looks, and the pairs run on average; then the default design
 * (at most 35 pairs, a look every 7).
 *
 *   npx tsx bench/ab-simulation.ts 3000 designs
 *
 * compares, instead, the sequential designs tried for issue 18's "clear change decided in ≤ 90 s"
 * (looks and alpha spending; bench/README.md "Choosing the looks").
 */
import { errorFunction, probit } from 'simple-statistics';
import { comparePaired } from '../src/compare/paired.js';
import { hwangShihDeCani, sequentialPlan, type SequentialPlan } from '../src/compare/sequential.js';
import type { ComparedMetric } from '../src/model/compare.js';
import { abSchema } from '../src/config/sections/regression.js';
import { MEASURED_NOISE, runSequential, simulatePairs, type SimulatedNoise } from '../test/helpers/ab-simulation.js';

const runs = Number(process.argv[2] ?? 10_000);
const MIN_EFFECT = 0.02;
const gates = { p50: 0.05, throughput: 0.05 };
// The noise the first campaign of bench/ab-noise.ts measured at the defaults (104 A/A pairs of 2 s
// trials on the spin server: per-pair SD p50 1.1 % within a mode, p90 2.8 %, p99 3.6 %,
// throughput 0.8 %; 6.3 % of trials with their p50 in the upper mode, 1.30 times the lower).
// Load per run: pairs × 2 trials × (2 s + the campaign's median warm-up of 1 s).
const CAMPAIGN_NOISE: SimulatedNoise = {
  sd: { p50: 0.011, p90: 0.028, p99: 0.036, throughput: 0.008 },
  burst: 0.03,
  modes: { share: 0.063, factor: 1.3 },
};
if (process.argv[3] === 'designs') {
  compareDesigns();
  process.exit(0);
}
const pct = (n: number) => `${((n / runs) * 100).toFixed(1)} %`;
const flagged = (m: ComparedMetric | undefined, previousRule: boolean) =>
  m !== undefined &&
  (m.verdict === 'regression' || m.verdict === 'improvement') &&
  (!previousRule || Math.abs(Math.log(m.ratio)) >= Math.log(1 + MIN_EFFECT));

const rows: string[] = [
  '| pairs | true change | p50 flagged (previous rule) | throughput flagged (previous rule) |',
  '|---:|---:|---:|---:|',
];
const aa: string[] = ['| pairs | A/A: any metric flagged |', '|---:|---:|'];
const t0 = performance.now();
for (const pairs of [16, 24, 32]) {
  for (const change of [0, 0.02, 0.03, 0.05]) {
    const count = { p50: 0, rps: 0, any: 0, p50Before: 0, rpsBefore: 0 };
    for (let run = 0; run < runs; run++) {
      const c = comparePaired(
        { api: simulatePairs(1_000_000 * pairs + 100_000 * change * 100 + run, pairs, change) },
        { alpha: 0.01, minEffect: MIN_EFFECT, gates: { p50: 0.05, throughput: 0.05 } },
      );
      const p50 = c.metrics.find((m) => m.metric === 'p50');
      const rps = c.metrics.find((m) => m.metric === 'throughput');
      if (flagged(p50, false) && p50?.verdict === 'regression') count.p50++;
      if (flagged(p50, true) && p50?.verdict === 'regression') count.p50Before++;
      if (flagged(rps, false) && rps?.verdict === 'regression') count.rps++;
      if (flagged(rps, true) && rps?.verdict === 'regression') count.rpsBefore++;
      if (c.metrics.some((m) => flagged(m, false))) count.any++;
    }
    if (change === 0) aa.push(`| ${pairs} | ${pct(count.any)} |`);
    else
      rows.push(
        `| ${pairs} | +${change * 100} % | ${pct(count.p50)} (${pct(count.p50Before)}) | ${pct(count.rps)} (${pct(count.rpsBefore)}) |`,
      );
  }
}
console.log(`${runs} seeded runs per case, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log(rows.join('\n'));
console.log('');
console.log(aa.join('\n'));

const caseLabel = (change: number) => (change === 0 ? 'none (A/A)' : `+${change * 100} %`);

/**
 * `runs` sequential A/Bs of at most `maxPairs` pairs (seeds from `seedBase`) under `noise`: how
 * often p50, throughput and any metric were flagged, the pairs run in all, and how many runs were
 * decided by the second look.
 */
function sequentialCase(
  plan: ReturnType<typeof sequentialPlan>,
  maxPairs: number,
  change: number,
  seedBase: number,
  noise: SimulatedNoise = MEASURED_NOISE,
) {
  const count = { p50: 0, rps: 0, any: 0, pairs: 0, bySecondLook: 0 };
  const secondLook = plan.looks[1] ?? maxPairs;
  for (let run = 0; run < runs; run++) {
    const all = simulatePairs(seedBase + 100_000 * change * 100 + run, maxPairs, change, noise);
    const { metrics, pairs } = runSequential(all, plan, { minEffect: MIN_EFFECT, gates });
    count.pairs += pairs;
    if (pairs <= secondLook) count.bySecondLook++;
    if (metrics.find((m) => m.metric === 'p50')?.verdict === 'regression') count.p50++;
    if (metrics.find((m) => m.metric === 'throughput')?.verdict === 'regression') count.rps++;
    if (metrics.some((m) => flagged(m, false))) count.any++;
  }
  return count;
}

const seq: string[] = [
  '| max pairs, block | true change | p50 flagged | throughput flagged | any metric flagged | mean pairs run |',
  '|---|---:|---:|---:|---:|---:|',
];
for (const [maxPairs, block] of [
  [32, 8],
  [48, 8],
] as const) {
  const plan = sequentialPlan(maxPairs, block, 0.01);
  for (const change of [0, 0.02, 0.03, 0.05, 0.1]) {
    const count = sequentialCase(plan, maxPairs, change, 7_000_000 + 1_000_000 * maxPairs);
    seq.push(
      `| ${maxPairs}, ${block} | ${caseLabel(change)} | ${pct(count.p50)} | ${pct(count.rps)} | ${pct(count.any)} | ${(count.pairs / runs).toFixed(1)} |`,
    );
  }
}
console.log('');
console.log(seq.join('\n'));
const lookLine = (p: ReturnType<typeof sequentialPlan>) =>
  `looks ${p.looks.join(', ')} at alpha ${p.alphas.map((a) => a.toExponential(2)).join(', ')}`;
console.log(`\n${lookLine(sequentialPlan(32, 8, 0.01))}`);

const DEFAULTS = abSchema.parse(undefined);
const block = DEFAULTS.sequential ? DEFAULTS.sequential.block : DEFAULTS.pairs;
const plan = sequentialPlan(DEFAULTS.pairs, block, DEFAULTS.alpha);
const second = plan.looks[1] ?? DEFAULTS.pairs;
const defaults: string[] = [
  `| noise | true change | p50 flagged | throughput flagged | any metric flagged | mean pairs | mean load (s) | decided by the second look (${second} pairs, about ${second * 6} s) |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const [label, noise] of [
  ['as above', MEASURED_NOISE],
  ['campaign', CAMPAIGN_NOISE],
] as const) {
  for (const change of [0, 0.02, 0.03, 0.05, 0.1]) {
    const count = sequentialCase(plan, DEFAULTS.pairs, change, 90_000_000, noise);
    defaults.push(
      `| ${label} | ${caseLabel(change)} | ${pct(count.p50)} | ${pct(count.rps)} | ${pct(count.any)} | ${(count.pairs / runs).toFixed(1)} | ${((count.pairs / runs) * 2 * 3).toFixed(0)} | ${pct(count.bySecondLook)} |`,
    );
  }
}
console.log(`\nThe default design: at most ${DEFAULTS.pairs} pairs, a look every ${block}; ${lookLine(plan)}\n`);
console.log(defaults.join('\n'));

/**
 * The designs tried for the default: looks and spending (Hwang–Shih–DeCani with its γ, or the
 * Lan–DeMets O'Brien–Fleming-type function used before), planned by sequentialPlan as the A/B
 * plans them (a look that cannot reach its share spends none).
 */
function compareDesigns(): void {
  const obf = (alpha: number, t: number) =>
    t >= 1 ? alpha : 1 - errorFunction(probit(1 - alpha / 2) / Math.sqrt(t) / Math.SQRT2);
  const designs: [string, SequentialPlan][] = [
    ["O'Brien–Fleming, 8 … 32 (before)", sequentialPlan(32, 8, 0.01, obf)],
    ['HSD −4, 7 … 32', sequentialPlan(32, 7, 0.01, hwangShihDeCani(-4))],
    ['HSD −4, 7 … 35 (the default)', sequentialPlan(35, 7, 0.01, hwangShihDeCani(-4))],
    ['HSD −5, 7 … 35', sequentialPlan(35, 7, 0.01, hwangShihDeCani(-5))],
    ['HSD −4, 8 … 32', sequentialPlan(32, 8, 0.01, hwangShihDeCani(-4))],
  ];
  const share = (n: number) => `${((n / runs) * 100).toFixed(1)} %`;
  console.log(`${runs} seeded runs per case; flagged p50 under the campaign's noise / the noise above\n`);
  console.log('| design | alpha per look | +2 % p50 | +3 % p50 | +10 % decided by 14 pairs (noise above) |');
  console.log('|---|---|---:|---:|---:|');
  for (const [name, plan] of designs) {
    const maxPairs = plan.looks.at(-1) ?? 0;
    const flaggedP50 = (change: number, noise: SimulatedNoise) => {
      let n = 0;
      for (let run = 0; run < runs; run++) {
        const all = simulatePairs(5_000_000 + change * 1e7 + run, maxPairs, change, noise);
        if (
          runSequential(all, plan, { minEffect: MIN_EFFECT, gates }).metrics.find((m) => m.metric === 'p50')
            ?.verdict === 'regression'
        )
          n++;
      }
      return n;
    };
    let by14 = 0;
    for (let run = 0; run < runs; run++)
      if (
        runSequential(simulatePairs(6_000_000 + run, maxPairs, 0.1), plan, { minEffect: MIN_EFFECT, gates }).pairs <= 14
      )
        by14++;
    const cells = [0.02, 0.03].map(
      (c) => `${share(flaggedP50(c, CAMPAIGN_NOISE))} / ${share(flaggedP50(c, MEASURED_NOISE))}`,
    );
    console.log(
      `| ${name} | ${plan.alphas.map((a) => a.toExponential(1)).join(', ')} | ${cells.join(' | ')} | ${share(by14)} |`,
    );
  }
}
