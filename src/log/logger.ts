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
