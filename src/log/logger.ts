/** The pipeline logs through this; the CLI prints to stderr, the action to the Actions log. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** A progress line: redrawn in place on a TTY, printed every few seconds otherwise. */
  progress(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {}, progress() {} };

/**
 * `--quiet`: only warnings and errors reach `logger`; info, progress and debug lines are dropped
 * here, once, rather than checked at every call site.
 */
export function quietLogger(logger: Logger): Logger {
  return { ...silentLogger, warn: (m) => logger.warn(m), error: (m) => logger.error(m) };
}
