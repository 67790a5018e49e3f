/**
 * The regression gate a comparison applies: `gates.regression` as configured, or, when the config
 * sets none, perfgate's defaults. Without defaults a head 20 % slower was flagged `regression` on
 * p50, p90 and throughput and still opened with "✅ pass" (issue 14): a comparison that judges
 * nothing is not a gate.
 *
 * The defaults gate each profile's own p50, p99 and throughput, not its endpoints' (an endpoint
 * with a few percent of the traffic has a much wider interval, and a default should not make
 * every run of a many-endpoint API inconclusive). p99 gets twice the room of p50: on a shared
 * 2-core runner its per-trial noise is about twice p50's (../shared/FACTS.md, bench/README.md).
 */
import type { Settings } from '../config/schema.js';
import type { RegressionGates } from './metrics.js';

export const DEFAULT_REGRESSION_GATES = { p50: 0.05, p99: 0.1, throughput: 0.05 } as const;

export interface AppliedGates {
  gates: RegressionGates;
  /** `default`: the config sets no gates.regression, so DEFAULT_REGRESSION_GATES apply (profile rows only). */
  source: 'config' | 'default';
}

export function regressionGatesOf(settings: Pick<Settings, 'config'>): AppliedGates {
  const configured = settings.config.gates.regression;
  return configured
    ? { gates: configured, source: 'config' }
    : { gates: { ...DEFAULT_REGRESSION_GATES }, source: 'default' };
}

/** The threshold of one row: default gates apply to a profile's own rows, configured ones to its endpoints' too. */
export function thresholdFor(
  gates: RegressionGates,
  source: AppliedGates['source'] | undefined,
  metric: string,
  endpoint: string | undefined,
): number | undefined {
  if (source === 'default' && endpoint !== undefined) return undefined;
  return (gates as Record<string, number | undefined>)[metric];
}

/** The thresholds alone (without `level`), for the result's comparison.gates. */
export function numericThresholds(gates: RegressionGates): Record<string, number> {
  return Object.fromEntries(Object.entries(gates).filter((e): e is [string, number] => typeof e[1] === 'number'));
}
