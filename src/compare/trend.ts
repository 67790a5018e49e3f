/**
 * Step changes in a nightly history: binary segmentation on the log values with the
 * mean-shift statistic (the CUSUM form of E-divisive means, as in Nyrkiö/Otava and MongoDB's
 * signal processing), each candidate split tested by a seeded permutation test and kept only
 * when it is also material (≥ minChange, 5 % by default as Nyrkiö's). A step names the first
 * commit after it: the first commit whose results sit on the new level.
 */
import { seededRandom, shuffle } from './prng.js';

export interface TrendPoint {
  sha: string;
  value: number;
}

export interface Step {
  /** Index of the first point after the step. */
  index: number;
  sha: string;
  before: number;
  after: number;
  /** after / before − 1. */
  change: number;
  pValue: number;
}

export interface StepOptions {
  /** Significance of each split (permutation test). */
  alpha?: number;
  minChange?: number;
  /** Shortest segment on either side of a split. */
  minSegment?: number;
  permutations?: number;
  seed?: number;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** The best split of xs and its statistic: max over τ of τ(n−τ)/n · (mean left − mean right)². */
function bestSplit(xs: number[], minSegment: number): { at: number; stat: number } {
  const n = xs.length;
  const prefix = [0];
  for (const x of xs) prefix.push(prefix.at(-1)! + x);
  let best = { at: -1, stat: -Infinity };
  for (let t = minSegment; t <= n - minSegment; t++) {
    const left = prefix[t]! / t;
    const right = (prefix[n]! - prefix[t]!) / (n - t);
    const stat = ((t * (n - t)) / n) * (left - right) ** 2;
    if (stat > best.stat) best = { at: t, stat };
  }
  return best;
}

export function detectSteps(points: TrendPoint[], options: StepOptions = {}): Step[] {
  const alpha = options.alpha ?? 0.01;
  const minChange = options.minChange ?? 0.05;
  const minSegment = options.minSegment ?? 3;
  const permutations = options.permutations ?? 999;
  const random = seededRandom(options.seed ?? 1);
  const logs = points.map((p) => Math.log(Math.max(p.value, 1e-12)));
  const steps: Step[] = [];
  const segment = (lo: number, hi: number): void => {
    const xs = logs.slice(lo, hi);
    if (xs.length < 2 * minSegment) return;
    const { at, stat } = bestSplit(xs, minSegment);
    if (at < 0) return;
    let asExtreme = 1;
    const copy = xs.slice();
    for (let i = 0; i < permutations; i++) if (bestSplit(shuffle(copy, random), minSegment).stat >= stat) asExtreme++;
    const pValue = asExtreme / (permutations + 1);
    const before = Math.exp(mean(xs.slice(0, at)));
    const after = Math.exp(mean(xs.slice(at)));
    if (pValue > alpha) return;
    if (Math.abs(after / before - 1) >= minChange)
      steps.push({ index: lo + at, sha: points[lo + at]!.sha, before, after, change: after / before - 1, pValue });
    segment(lo, lo + at);
    segment(lo + at, hi);
  };
  segment(0, points.length);
  return steps.sort((a, b) => a.index - b.index);
}
