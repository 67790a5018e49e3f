/**
 * Paired statistics on per-pair differences (log ratios head/base): the Wilcoxon signed-rank
 * test, the Hodges–Lehmann estimate (median of Walsh averages) and its distribution-free
 * confidence interval (Tukey/Moses: order statistics of the Walsh averages at the signed-rank
 * critical value), Holm's step-down correction, and the minimum detectable effect.
 *
 * Why signed-rank and not a t-test: CPU-steal bursts on shared runners produce single wild
 * pairs (a 60 % throughput dip); ranks bound their influence, and the test is exact for small n.
 * Why the Walsh interval and not a bootstrap: with ~12 pairs a percentile bootstrap of a median-
 * type estimator is coarse and under-covers; the Walsh interval is exact under symmetry, which
 * holds under "no change" because the trial order is randomized.
 */
import { normalCdf, normalQuantile } from './distributions.js';

/** Above this many non-zero pairs the exact null distribution gives way to the normal approximation. */
const EXACT_LIMIT = 60;

/**
 * Counts of each sum 0..Σweights over the 2^n subsets of `weights` (whole numbers): with the ranks
 * as weights, how many sign patterns give each W+, the exact null distribution of the test.
 */
function rankSumCounts(weights: readonly number[]): Float64Array {
  const total = weights.reduce((s, r) => s + r, 0);
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  // Each weight in or out: from the top down, so that a weight is added at most once per subset.
  for (const r of weights) for (let s = total; s >= r; s--) counts[s] = (counts[s] ?? 0) + (counts[s - r] ?? 0);
  return counts;
}

/** The counts for ranks 1..n without ties, the same for every sample of n pairs (cached). */
const countsCache = new Map<number, Float64Array>();
function signedRankCounts(n: number): Float64Array {
  const cached = countsCache.get(n);
  if (cached) return cached;
  const counts = rankSumCounts(Array.from({ length: n }, (_, i) => i + 1));
  countsCache.set(n, counts);
  return counts;
}

/** How many of `counts` fall at or below `w`. */
function countUpTo(counts: Float64Array, w: number): number {
  let acc = 0;
  for (let s = 0; s <= Math.min(w, counts.length - 1); s++) acc += counts[s] ?? 0;
  return acc;
}

/** P(W+ ≤ w) under the null, exact for n ≤ EXACT_LIMIT. */
export function signedRankCdf(w: number, n: number): number {
  if (n === 0) return 1;
  if (n > EXACT_LIMIT) {
    const mean = (n * (n + 1)) / 4;
    const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    return normalCdf((w + 0.5 - mean) / sd);
  }
  return countUpTo(signedRankCounts(n), w) / 2 ** n;
}

/**
 * P(W+ ≤ w) given these (mid)ranks: the exact null distribution conditional on the ties, every one
 * of the 2^n sign patterns equally likely. Ties are common here: a p50 read from an HDR histogram
 * and a throughput counted in whole answers repeat exactly from pair to pair, and the normal
 * approximation used for them before is far too cautious in the tail (14 pairs that all agree
 * read p = 0.0011 instead of 2/2¹⁴ = 1.2e-4, so a +10 % change in the A/B campaign waited a look).
 * Computed each time (the ranks differ per call): n·Σranks steps, ~0.2 M at n = 60.
 */
function tiedRankCdf(ranks: readonly number[], w: number): number {
  // Mid-ranks are whole or halves: doubled, they are whole numbers, as rankSumCounts needs.
  const counts = rankSumCounts(ranks.map((r) => Math.round(r * 2)));
  return countUpTo(counts, Math.round(w * 2)) / 2 ** ranks.length;
}

/** Average ranks of |d| (ties share their mean rank). */
function ranksOfAbs(values: number[]): number[] {
  const order = values.map((v, i) => ({ a: Math.abs(v), i })).sort((x, y) => x.a - y.a);
  const ranks = new Array<number>(values.length).fill(0);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.a === order[i]!.a) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]!.i] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Two-sided Wilcoxon signed-rank p-value; zero differences are dropped (Wilcoxon's convention). */
export function signedRankTest(diffs: number[]): { pValue: number; n: number; wPlus: number } {
  const d = diffs.filter((x) => x !== 0 && Number.isFinite(x));
  const n = d.length;
  if (n === 0) return { pValue: 1, n, wPlus: 0 };
  const ranks = ranksOfAbs(d);
  const wPlus = d.reduce((s, x, i) => (x > 0 ? s + ranks[i]! : s), 0);
  const max = (n * (n + 1)) / 2;
  const hasTies = new Set(d.map(Math.abs)).size < n;
  if (n <= EXACT_LIMIT) {
    const lower = Math.min(wPlus, max - wPlus);
    const p = hasTies ? 2 * tiedRankCdf(ranks, lower) : 2 * signedRankCdf(Math.round(lower), n);
    return { pValue: Math.min(1, p), n, wPlus };
  }
  // Normal approximation with the tie correction of the variance.
  const counts = new Map<number, number>();
  for (const r of ranks) counts.set(r, (counts.get(r) ?? 0) + 1);
  let tie = 0;
  for (const t of counts.values()) tie += t ** 3 - t;
  const mean = max / 2;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tie / 48);
  if (sd === 0) return { pValue: 1, n, wPlus };
  const z = (Math.abs(wPlus - mean) - 0.5) / sd;
  return { pValue: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), n, wPlus };
}

function walshAverages(d: number[]): number[] {
  const w: number[] = [];
  for (let i = 0; i < d.length; i++) for (let j = i; j < d.length; j++) w.push((d[i]! + d[j]!) / 2);
  return w.sort((a, b) => a - b);
}

export function median(sorted: number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = Math.floor(n / 2);
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Hodges–Lehmann estimate of the shift and its (1 − alpha) interval. `exact` is false when n is
 * too small for any interval at that level: the interval is then the full range of the averages.
 */
export function hodgesLehmann(
  diffs: number[],
  alpha: number,
): { estimate: number; ci: [number, number]; exact: boolean } {
  const d = diffs.filter(Number.isFinite);
  if (d.length === 0) return { estimate: 0, ci: [0, 0], exact: false };
  const w = walshAverages(d);
  const n = d.length;
  // k: the largest rank sum whose lower tail stays within alpha/2; the interval is [w(k+1), w(M−k)].
  let k = -1;
  while (signedRankCdf(k + 1, n) <= alpha / 2) k++;
  const exact = k >= 0;
  const lo = exact ? w[k]! : w[0]!;
  const hi = exact ? w[w.length - 1 - k]! : w[w.length - 1]!;
  return { estimate: median(w), ci: [lo, hi], exact };
}

/** Holm's step-down adjustment: adjusted p-values in the input order (null stays null). */
export function holmAdjust(pValues: (number | null)[]): (number | null)[] {
  const tested = pValues.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
  tested.sort((a, b) => a.p - b.p);
  const m = tested.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tested.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

export function sampleSd(values: number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  return Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
}

/**
 * Spread of the pair changes for the MDE: the larger of 1.4826·MAD (robust to a steal burst,
 * like the rank test itself) and half the sample SD (so a real bimodal spread still counts).
 */
export function robustSd(values: number[]): number {
  if (values.length < 2) return NaN;
  const m = median([...values].sort((a, b) => a - b));
  const mad = median(values.map((v) => Math.abs(v - m)).sort((a, b) => a - b));
  return Math.max(1.4826 * mad, sampleSd(values) / 2);
}

/** Smallest n at which the exact signed-rank test can reach a two-sided p ≤ alpha at all (2/2^n ≤ alpha). */
export function minimumPairsFor(alpha: number): number {
  return Math.ceil(Math.log2(2 / alpha));
}

/**
 * Minimum detectable effect (on the log scale) at two-sided level `alpha` with `power`, for
 * pairs whose differences have standard deviation `sd`. Normal formula divided by the signed-
 * rank test's asymptotic relative efficiency (3/π ≈ 0.955). Null when n cannot reach `alpha`.
 */
export function minimumDetectableEffect(sd: number, n: number, alpha: number, power = 0.95): number | null {
  if (!Number.isFinite(sd) || n < Math.max(2, minimumPairsFor(alpha))) return null;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return (z * sd) / Math.sqrt((n * 3) / Math.PI);
}
