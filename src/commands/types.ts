import type { Logger } from '../log/logger.js';

export interface CommandIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (text: string) => void;
  logger: Logger;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  summary: string;
  /** Full --help text. */
  help: string;
  run(io: CommandIo): Promise<number>;
}
