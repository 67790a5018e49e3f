/**
 * `--quiet` of `run` and `ab` (issue 14): the command prints its verdict line and the paths it
 * wrote, one per line on stdout so that a script can read them, and nothing else but warnings
 * and errors. The logger is wrapped once here, so that no stage checks a flag.
 */
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { quietLogger, type Logger } from '../log/logger.js';
import type { RunOutputs } from '../report/write.js';
import type { CommandIo } from './types.js';

/** The logger a command runs with; --quiet beside --verbose is a usage error. */
export function commandLogger(logger: Logger, flags: { quiet: boolean; verbose: boolean }): Logger {
  if (flags.quiet && flags.verbose)
    throw new ConfigError(
      '--quiet and --verbose: pick one (--quiet prints only the verdict and the paths written; --verbose adds debug messages)',
    );
  return flags.quiet ? quietLogger(logger) : logger;
}

/** The files a run wrote, relative to the command's folder: one line each on stdout when quiet, else one log line. */
export function reportWritten(
  io: Pick<CommandIo, 'cwd' | 'stdout' | 'logger'>,
  outputs: RunOutputs,
  quiet: boolean,
): void {
  const files = [outputs.resultPath, outputs.reportPath, outputs.htmlPath, outputs.junitPath]
    .filter((f): f is string => f !== undefined)
    .map((f) => path.relative(io.cwd, f));
  if (quiet) for (const f of files) io.stdout(f);
  else io.logger.info(`wrote ${files.join(', ')}`);
}
