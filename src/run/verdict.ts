/**
 * The one place a run's verdict is rolled up, from structured findings: the run-level problems
 * (each an error), the failures settled before the run (each a fail), the profiles' own statuses
 * (their SLO checks, a saturated generator), and the regression gate over the comparison. Words
 * for the reasons are taken from those findings.
 */
import { regressionFindings, unseenGates } from '../compare/regression-gate.js';
import type { Comparison } from '../model/compare.js';
import type { ProfileResult, Status } from '../model/result.js';
import { worstStatus } from '../verdict/status.js';

export interface VerdictInput {
  /** Problems of the run itself: the SUT did not start or crashed, an interrupt, a baseline that could not be read or saved. */
  problems: readonly string[];
  /** Failures settled before the run (a pull request whose gate changes need review): each a `fail`. */
  failures?: readonly string[] | undefined;
  profiles: readonly Pick<ProfileResult, 'name' | 'status' | 'reasons' | 'warnings'>[];
  comparison?: Comparison | undefined;
}

/**
 * The status and its reasons; and the warnings: misses of gates and SLOs that say `level: warn`,
 * which never change the status (a run with only warnings passes, exit code 0).
 */
export function rollUpVerdict(input: VerdictInput): { status: Status; reasons: string[]; warnings: string[] } {
  const regressions = input.comparison ? regressionFindings(input.comparison) : { failures: [], warnings: [] };
  const failures = input.failures ?? [];
  const reasons = [...input.problems, ...failures];
  for (const p of input.profiles) if (p.status !== 'pass') reasons.push(...p.reasons.map((r) => `${p.name}: ${r}`));
  reasons.push(...regressions.failures);
  const unseen = input.comparison ? unseenGates(input.comparison) : [];
  reasons.push(...unseen);
  const warnings = [
    ...input.profiles.flatMap((p) => (p.warnings ?? []).map((w) => `${p.name}: ${w}`)),
    ...regressions.warnings,
  ];
  const statuses: Status[] = input.profiles.map((p) => p.status);
  if (regressions.failures.length || failures.length) statuses.push('fail');
  if (unseen.length) statuses.push('inconclusive');
  if (input.problems.length) statuses.push('error');
  return { status: worstStatus(statuses), reasons, warnings };
}
