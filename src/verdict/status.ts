/**
 * The roll-up of statuses and their exit codes. A failed gate is a verdict in the result, not an
 * exception: the front door publishes first, then maps the status to an exit code.
 */
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { RunResult, Status } from '../model/result.js';

const SEVERITY: Record<Status, number> = { pass: 0, inconclusive: 1, fail: 2, error: 3 };

/** The worst of several statuses: error > fail > inconclusive > pass. */
export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Status = 'pass';
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
}

/** Exit codes: 0 pass (and inconclusive, which warns), 1 a gate failed, 3 the SUT/environment failed. */
export function exitCodeForStatus(status: RunResult['status']): ExitCodeValue {
  switch (status) {
    case 'pass':
    case 'inconclusive':
      return ExitCode.Pass;
    case 'fail':
      return ExitCode.GateFailed;
    case 'error':
      return ExitCode.Environment;
  }
}
