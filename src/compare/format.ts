/**
 * The comparison in words and cells, shared by the console table (`perfgate run`, `perfgate ab`)
 * and the reports (report.md, report.html), so that all of them show the same columns.
 *
 * Base and head are shown beside the change because they are different statistics (issue 14):
 * in an A/B they are the medians of the per-trial values of each side, while the change is the
 * Hodges–Lehmann estimate of the per-pair changes. "10.599 → 10.935 ms" next to "−3.4%" read as a
 * contradiction until the columns said which is which.
 *
 * Every number is written by src/report/numbers.ts, as in the rest of the reports (issue 16).
 */
import { noiseSentences } from './noise.js';
import { subjectOf, type Comparison, type ComparedMetric } from '../model/compare.js';
import { percentileLabel } from '../model/percentiles.js';
import {
  formatMs,
  formatPercent,
  formatPValue,
  formatThroughput,
  NOT_MEASURED,
  plainPercent,
  signedPercent,
  signedPoints,
} from '../report/numbers.js';
import { isRatioMetric } from './metrics.js';

/** Under every A/B table: why the change can disagree with the ratio of the two medians. */
export const AB_CHANGE_NOTE =
  "The change is the Hodges–Lehmann estimate of the per-pair changes (each head trial against the base trial it was paired with), so it can differ from the ratio of the two medians when the runner's speed drifted during the run: the pairing cancels the drift, the medians do not.";

/** The column names; `base` and `head` say which statistic they are for each method. */
export function comparisonHeader(method: Comparison['method']): string[] {
  const sides =
    method === 'ab'
      ? ['base (median of trials)', 'head (median of trials)', 'change (HL) [CI]']
      : ['baseline (median of stored runs)', 'this run', 'change [CI]'];
  return ['profile', 'metric', ...sides, 'p (raw)', 'MDE', 'gate', 'verdict'];
}

/** A metric's value with its unit: latency in ms, throughput in req/s, the error rate in %. */
export function formatMetricValue(metric: ComparedMetric['metric'], v: number): string {
  if (metric === 'throughput') return formatThroughput(v);
  return isRatioMetric(metric) ? formatMs(v) : formatPercent(v);
}

/** The change with its interval: "+24.9 % [+20.0 % … +30.0 %]", or in percentage points for the error rate. */
function changeText(m: ComparedMetric): string {
  return isRatioMetric(m.metric)
    ? `${signedPercent(m.ratio - 1)} [${signedPercent(m.ci[0] - 1)} … ${signedPercent(m.ci[1] - 1)}]`
    : `${signedPoints(m.current - m.baseline)} [${signedPoints(m.ci[0])} … ${signedPoints(m.ci[1])}]`;
}

export function cells(m: ComparedMetric): string[] {
  return [
    subjectOf(m),
    percentileLabel(m.metric),
    formatMetricValue(m.metric, m.baseline),
    formatMetricValue(m.metric, m.current),
    changeText(m),
    formatPValue(m.pValue),
    m.mde === null ? NOT_MEASURED : `±${plainPercent(m.mde)}`,
    m.threshold === undefined
      ? NOT_MEASURED
      : `${gateText(m.metric, m.threshold)}${m.level === 'warn' ? ' (warn)' : ''}`,
    m.verdict,
  ];
}

/** A gate in the direction that fails: "+5 %" for latency, "−5 %" for throughput, "+1 pp" for the error rate. */
function gateText(metric: string, threshold: number): string {
  if (metric === 'errorRate') return `+${Number((threshold * 100).toFixed(2))} pp`;
  return `${metric === 'throughput' ? '−' : '+'}${plainPercent(threshold)}`;
}

/**
 * The gates a comparison applied, in one sentence; undefined for a result from before
 * comparison.gates. A default gate is said to be one, with where to set another (issue 14: a
 * reader could not tell that a 20 % slower head passed because nothing was gated).
 */
export function gatesSentence(c: Comparison): string | undefined {
  if (!c.gates) return undefined;
  const named = Object.entries(c.gates.thresholds).map(([metric, t]) => {
    const label = metric === 'errorRate' ? 'error rate' : metric === 'throughput' ? metric : percentileLabel(metric);
    return `${label} ${gateText(metric, t)}`;
  });
  const list = named.length ? named.join(', ') : 'none';
  const warn = c.metrics.some((m) => m.level === 'warn') ? ' at level: warn (reported, not failed)' : '';
  const raised =
    c.method === 'baseline'
      ? '; a row whose stored runs are noisier gets a wider gate (the gate column), so that noise alone cannot fail it'
      : '';
  return c.gates.source === 'default'
    ? `Gates: perfgate's defaults — ${list} per profile (no gates.regression in perfgate.yml; set it to choose)${raised}.`
    : `Gates: ${list} (gates.regression)${warn}${raised}.`;
}

/** How an A/B's trials ran, in one line; undefined for a stored-baseline comparison. */
export function designSentence(c: Comparison): string | undefined {
  const d = c.design;
  if (!d) return undefined;
  const pinning = d.pinned
    ? ` perfgate ran on CPU ${d.pinned.generator} and the SUT on CPU ${d.pinned.sut} (ab.pin).`
    : d.unpinned
      ? ` CPUs not pinned: ${d.unpinned}.`
      : '';
  const sequential = d.sequential ? sequentialText(d.sequential) : '';
  const nested = d.trialsPerBoot
    ? ` Each boot ran ${d.trialsPerBoot} trials; a pair compares two boots' geometric means (ab.trialsPerBoot).`
    : '';
  return `${d.trialsPerBoot ? 'Boot' : 'Trial'} order ${d.order} (b = base, h = head) from seed ${d.seed} (--seed replays it); ${d.loadSeconds}s of load.${nested}${warmupText(d.warmup)}${sequential}${pinning}`;
}

/** " Warm-up until steady: 0.8 s in the median trial, 2.5 s at most; 1 of 40 trials reached the 5 s cap unsettled." */
function warmupText(w: NonNullable<Comparison['design']>['warmup']): string {
  if (!w) return '';
  if (w.mode === 'fixed') return ` Warm-up ${w.ms / 1000}s per trial (fixed).`;
  const s = (ms: number) => `${Number((ms / 1000).toFixed(2))}s`;
  const capped = w.unsteady
    ? `; ${w.unsteady} of ${w.trials} trials reached the ${s(w.capMs)} cap unsettled (a JIT, cache or GC still changing: their numbers mix warm and cold)`
    : '';
  return ` Warm-up until steady: ${s(w.medianMs)} in the median trial, ${s(w.maxMs)} at most${capped}.`;
}

/**
 * " Sequential: 8 pairs of at most 32 (looks at 8, 16, 24, 32), verdicts at alpha 2.8e-7; …": and
 * for an A/B that stopped before its last look, why, and why its MDE may read n/a.
 */
function sequentialText(s: NonNullable<NonNullable<Comparison['design']>['sequential']>): string {
  const last = s.looks.at(-1) ?? s.pairsRun;
  const inside = s.minEffect === undefined ? 'inside ±minEffect' : `inside ±${(s.minEffect * 100).toFixed(1)} %`;
  // A look too early to reach any alpha spends none (compare/sequential.ts): it can only stop a clear "no change".
  const tested =
    s.alpha > 0
      ? `verdicts at alpha ${s.alpha.toPrecision(2)}`
      : `a look that flags nothing (${s.pairsRun} pairs cannot reach significance; its alpha carries to the next look)`;
  const head = ` Sequential: ${s.pairsRun} pairs of at most ${last} (looks at ${s.looks.join(', ')}), ${tested}`;
  if (s.pairsRun >= last) return `${head}.`;
  const why =
    s.alpha > 0
      ? `every gated metric decided (flagged, or its interval ${inside})`
      : `every gated metric's interval ${inside}`;
  return `${head}: stopped early, ${why}; an MDE reads n/a where so early a look's alpha leaves nothing detectable.`;
}

/** How much CPU the rest of the machine used during an A/B's trials, in one sentence; undefined without a measure. */
export function neighboursSentence(c: Comparison): string | undefined {
  const n = c.neighbours;
  if (!n) return undefined;
  return `Other processes on the machine used ${n.medianPercent.toFixed(0)} % of a core in the median trial, ${n.maxPercent.toFixed(0)} % at most (${n.trials} trials; CPU not used by the SUT or perfgate).`;
}

export function formatComparisonTable(c: Comparison): string {
  const header = comparisonHeader(c.method);
  const rows = c.metrics.map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((x, i) => x.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const gates = gatesSentence(c);
  const neighbours = neighboursSentence(c);
  const design = designSentence(c);
  return [
    line(header),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map(line),
    ...(c.method === 'ab' ? ['', AB_CHANGE_NOTE] : []),
    ...(gates ? [gates] : []),
    ...(neighbours ? [neighbours] : []),
    ...noiseSentences(c),
    ...(design ? [design] : []),
    ...c.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}
