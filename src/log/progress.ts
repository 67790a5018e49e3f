/**
 * The words of the console's progress lines (issue 14), shared by load profiles, stress ramps and
 * A/B trials: where the run stands against what was planned (`t=4s/30s`) beside what the last
 * second measured, so that a CI log read mid-run says how much is left. Strings only: the
 * logger decides how often a line is printed.
 */

/** "4s" under a minute, "1m05s" from a minute on (whole seconds). */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Elapsed over planned: "t=4s/30s", "t=1m05s/6m00s". */
export function formatElapsed(elapsedMs: number, totalMs: number): string {
  return `t=${formatSpan(elapsedMs)}/${formatSpan(totalMs)}`;
}

/** What the load engine reports of one second. */
export interface SecondStats {
  rps: number;
  /** ms */
  p99: number;
  errors: number;
}

const latency = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : ms < 100 ? 1 : 0)} ms`;

/**
 * `load-test "checkout": t=4s/30s · 1,234 req/s · p99 12.3 ms · 0 errors`; `detail` (a stress
 * step, "warmup") comes after the clock.
 */
export function formatProgressLine(subject: string, clock: string, s: SecondStats, detail?: string): string {
  return [
    `${subject}: ${clock}`,
    ...(detail ? [detail] : []),
    `${Math.round(s.rps).toLocaleString('en-US')} req/s`,
    `p99 ${latency(s.p99)}`,
    `${s.errors} ${s.errors === 1 ? 'error' : 'errors'}`,
  ].join(' · ');
}

/** A trial of an A/B, as it starts. */
interface TrialStart {
  /** Every trial's side, in the order run: two trials a pair. */
  order: readonly string[];
  /** 1-based number of the trial that starts now. */
  trial: number;
  /** Since the first trial started. */
  elapsedMs: number;
  /** The load of one trial: every profile's trial and warmup. */
  trialLoadMs: number;
}

/**
 * `trial 5/32: head, pair 3/16 · next: base · A/B t=2m10s/~8m40s`. The total is an estimate:
 * each trial's load plus its SUT's boot and stop, learnt from the trials already run (none
 * before the first: the load alone).
 */
function formatTrialStart(t: TrialStart): string {
  const done = t.trial - 1;
  const overhead = done > 0 ? Math.max(0, t.elapsedMs - done * t.trialLoadMs) / done : 0;
  const total = t.order.length * (t.trialLoadMs + overhead);
  const next = t.order[t.trial];
  return [
    `trial ${t.trial}/${t.order.length}: ${t.order[t.trial - 1] ?? '?'}, pair ${Math.ceil(t.trial / 2)}/${Math.ceil(t.order.length / 2)}`,
    next ? `next: ${next}` : 'last',
    `A/B t=${formatSpan(t.elapsedMs)}/~${formatSpan(total)}`,
  ].join(' · ');
}

/** The A/B's trial lines, timed from this call (as the first trial starts): trial number → line. */
export function trialStartLines(
  order: readonly string[],
  trialLoadMs: number,
  now: () => number = Date.now,
): (trial: number) => string {
  const started = now();
  return (trial) => formatTrialStart({ order, trial, elapsedMs: now() - started, trialLoadMs });
}
