/**
 * Errors a user can act on. Each class carries the process exit code that scripts rely on:
 *   0 pass · 1 a gate failed · 2 usage/config error · 3 the SUT or the environment failed
 * A gate failure is not an exception (it is a verdict in the result), so it has no class here.
 */
export const ExitCode = {
  Pass: 0,
  GateFailed: 1,
  Usage: 2,
  Environment: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

class PerfgateError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** perfgate.yml or a flag is wrong. The message names the path, the value and the expected form. */
export class ConfigError extends PerfgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Usage, options);
  }
}

/** The system under test did not start, crashed, or its port was taken. */
export class SutError extends PerfgateError {
  /** Last lines of the SUT's output, shown to the user. */
  readonly logTail: string;
  constructor(message: string, logTail = '', options?: { cause?: unknown }) {
    super(message, ExitCode.Environment, options);
    this.logTail = logTail;
  }
}

/** The load generator could not run (bad target, refused by the allow-list…). */
export class LoadError extends PerfgateError {
  constructor(message: string, exitCode: ExitCodeValue = ExitCode.Environment, options?: { cause?: unknown }) {
    super(message, exitCode, options);
  }
}

/** Stored data (baseline, result.json) is unreadable, corrupt or of an unknown version: fail closed. */
export class DataError extends PerfgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Environment, options);
  }
}

export function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof PerfgateError ? error.exitCode : ExitCode.Environment;
}
