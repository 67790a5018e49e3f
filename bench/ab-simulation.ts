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
 */
import { comparePaired } from '../src/compare/paired.js';
import type { ComparedMetric } from '../src/model/compare.js';
import { simulatePairs } from '../test/helpers/ab-simulation.js';

const runs = Number(process.argv[2] ?? 10_000);
const MIN_EFFECT = 0.02;
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
    const pct = (n: number) => `${((n / runs) * 100).toFixed(1)} %`;
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
