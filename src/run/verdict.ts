/**
 * The one place a run's verdict is rolled up, from structured findings: the run-level problems
 * (each an error), the failures settled before the run (each a fail), the profiles' own statuses
 * (their SLO checks, a saturated generator), and the regression gate over the comparison. Words
 * for the reasons are taken from those findings.
 */
import { regressionReasons } from '../compare/regression-gate.js';
import type { Comparison } from '../model/compare.js';
import type { ProfileResult, Status } from '../model/result.js';
import { worstStatus } from '../verdict/status.js';

export interface VerdictInput {
  /** Problems of the run itself: the SUT did not start or crashed, an interrupt, a baseline that could not be read or saved. */
  problems: readonly string[];
  /** Failures settled before the run (a pull request whose gate changes need review): each a `fail`. */
  failures?: readonly string[] | undefined;
  profiles: readonly Pick<ProfileResult, 'name' | 'status' | 'reasons'>[];
  comparison?: Comparison | undefined;
}

export function rollUpVerdict(input: VerdictInput): { status: Status; reasons: string[] } {
  const regressions = input.comparison ? regressionReasons(input.comparison) : [];
  const failures = input.failures ?? [];
  const reasons = [...input.problems, ...failures];
  for (const p of input.profiles) if (p.status !== 'pass') reasons.push(...p.reasons.map((r) => `${p.name}: ${r}`));
  reasons.push(...regressions);
  const statuses: Status[] = input.profiles.map((p) => p.status);
  if (regressions.length || failures.length) statuses.push('fail');
  if (input.problems.length) statuses.push('error');
  return { status: worstStatus(statuses), reasons };
}
