/**
 * Warm-up until steady (issue 18, `ab.warmup: auto`): an A/B trial boots its SUT afresh, and a
 * fixed warm-up is either too short for a cold JIT (the trial then measures the JIT, and the
 * trials differ by how warm each got) or wasted on a server that is warm at once. Instead the
 * profile's own load runs in short windows until the last few agree, then the measured trial
 * starts; a server that never settles stops at the cap, and the A/B says how many did.
 *
 * What it cannot see: a cold phase that stays flat for three windows and then drops (a cache filled
 * on a timer, a lazy pool) reads as steady; a fixed ab.warmup past that drop is the remedy.
 *
 * Windows are separate engine runs (each opens its connections, which on loopback costs well under
 * a millisecond against 250 ms) so the decision is the same for every engine and model; the
 * engines' own warm-up is a fixed length set before the run starts.
 */
import type { LoadOptions, LoadRunner } from '../load/types.js';

/** One warm-up window: 250 ms holds hundreds of answers from a fast endpoint (the p50 steadies). */
const WARM_WINDOW_MS = 250;
/** Consecutive windows that must agree. */
const STEADY_WINDOWS = 3;
/** The shortest a warm-up until steady can be: a server warm at once settles in this many windows. */
export const SHORTEST_WARMUP_MS = STEADY_WINDOWS * WARM_WINDOW_MS;
/** How far apart (max/min − 1) their p50 and their throughput may be. */
const STEADY_TOLERANCE = 0.1;
/** A window with fewer answers tells nothing of the p50: the next windows are made longer. */
const MIN_ANSWERS = 50;
/** The longest window, for slow endpoints. */
const MAX_WINDOW_MS = 2_000;

export interface WarmWindow {
  ms: number;
  answers: number;
  /** The window's p50 (the result's latency unit; only ratios of it are read). */
  p50: number;
}

export interface SteadyWarmup {
  /** Time spent warming, ms. */
  ms: number;
  /** Whether the last windows agreed (false: stopped at the cap). */
  steady: boolean;
  windows: WarmWindow[];
}

/** Whether the last STEADY_WINDOWS windows agree, each with enough answers to read a p50. */
export function isSteady(windows: readonly WarmWindow[], tolerance = STEADY_TOLERANCE): boolean {
  const last = windows.slice(-STEADY_WINDOWS);
  if (last.length < STEADY_WINDOWS || last.some((w) => w.answers < MIN_ANSWERS || w.p50 <= 0)) return false;
  const spread = (xs: number[]) => Math.max(...xs) / Math.min(...xs) - 1;
  return spread(last.map((w) => w.p50)) <= tolerance && spread(last.map((w) => (w.answers * 1000) / w.ms)) <= tolerance;
}

/** The next window's length: longer (up to 2 s) when the last one held too few answers to judge. */
export function nextWindowMs(last: WarmWindow | undefined): number {
  if (!last || last.answers >= MIN_ANSWERS) return WARM_WINDOW_MS;
  const needed = last.answers > 0 ? (last.ms * MIN_ANSWERS * 1.2) / last.answers : MAX_WINDOW_MS;
  return Math.min(MAX_WINDOW_MS, Math.max(WARM_WINDOW_MS, Math.ceil(needed)));
}

/**
 * Runs the profile's load in windows until they agree or `capMs` is spent (the last window is cut
 * to end at the cap). `load` is the measured run's options; its window and warm-up are replaced.
 */
export async function warmUntilSteady(
  runner: LoadRunner,
  load: Omit<LoadOptions, 'durationMs' | 'warmupMs' | 'onSecond'>,
  capMs: number,
): Promise<SteadyWarmup> {
  const windows: WarmWindow[] = [];
  let spent = 0;
  while (spent < capMs && !load.signal?.aborted) {
    const ms = Math.min(nextWindowMs(windows.at(-1)), capMs - spent);
    const m = await runner.run({ ...load, durationMs: ms, warmupMs: 0 });
    spent += ms;
    windows.push({ ms, answers: m.requests.total, p50: m.latency.p50 });
    if (isSteady(windows)) return { ms: spent, steady: true, windows };
  }
  return { ms: spent, steady: false, windows };
}
