/**
 * The command-line front door: `perfgate <command> [options]`. Parses flags, settles them into
 * settings, runs the same pipeline as the action, and maps the outcome to an exit code.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createConsoleLogger } from './log/console.js';
import { createJsonLogger, extractLogFormat, LOG_FORMATS } from './log/json.js';
import { abCommand } from './commands/ab.js';
import { baselineCommand } from './commands/baseline.js';
import { importCommand } from './commands/import.js';
import { initCommand } from './commands/init.js';
import { mergeCommand } from './commands/merge.js';
import { publishCommand } from './commands/publish.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import type { Command, CommandIo } from './commands/types.js';
import { ExitCode, exitCodeOf, SutError } from './errors.js';
import { watchInternalErrors } from './log/internal-error.js';
import type { Logger } from './log/logger.js';
import { VERSION } from './version.js';

export const COMMANDS: Command[] = [
  runCommand,
  schemaCommand,
  abCommand,
  baselineCommand,
  reportCommand,
  publishCommand,
  mergeCommand,
  importCommand,
  initCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `perfgate ${VERSION} — performance as a pull-request gate

Usage: perfgate <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "perfgate <command> --help" for a command's options. Every command also takes
--log-format text|json (json: one JSON object per log line on stderr).
Exit codes: 0 pass, 1 a gate failed, 2 usage or config error, 3 the SUT or environment failed.`;
}

export async function main(
  argv: string[],
  io: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    stdout?: (t: string) => void;
    logger?: Logger;
    signal?: AbortSignal;
  } = {},
): Promise<number> {
  const stdout = io.stdout ?? ((t: string) => void process.stdout.write(t.endsWith('\n') ? t : t + '\n'));
  const extracted = extractLogFormat(argv);
  argv = extracted.argv;
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const logger =
    io.logger ?? (extracted.format === 'json' ? createJsonLogger({ verbose }) : createConsoleLogger({ verbose }));
  if (extracted.format !== undefined && !(LOG_FORMATS as readonly string[]).includes(extracted.format)) {
    logger.error(
      `--log-format: ${JSON.stringify(extracted.format)} is not a log format; expected one of ${LOG_FORMATS.join(', ')}`,
    );
    return ExitCode.Usage;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    stdout(target ? target.help : usage());
    return name === undefined ? ExitCode.Usage : ExitCode.Pass;
  }
  if (name === '--version' || name === '-V') {
    stdout(VERSION);
    return ExitCode.Pass;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    logger.error(
      `unknown command ${JSON.stringify(name)}; expected one of ${COMMANDS.map((c) => c.name).join(', ')} (see perfgate --help)`,
    );
    return ExitCode.Usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    stdout(command.help);
    return ExitCode.Pass;
  }
  const commandIo: CommandIo = {
    argv: rest,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    stdout,
    logger,
    signal: io.signal ?? new AbortController().signal,
  };
  try {
    return await command.run(commandIo);
  } catch (e) {
    return reportError(e, logger);
  }
}

function reportError(e: unknown, logger: Logger): number {
  const err = e as Error & { code?: string };
  if (err?.code?.startsWith('ERR_PARSE_ARGS')) {
    logger.error(`${err.message} (see --help)`);
    return ExitCode.Usage;
  }
  logger.error(err?.message ?? String(e));
  if (e instanceof SutError && e.logTail) logger.error(`last lines of the SUT's output:\n${e.logTail}`);
  const code = exitCodeOf(e);
  if (code === ExitCode.Environment && !(e instanceof SutError) && err?.stack && !('exitCode' in (err as object)))
    logger.debug(err.stack);
  return code;
}

/** Interrupts abort the run (the pipeline tears the SUT down), then exit 130 (SIGINT) / 143 (SIGTERM). */
function interruptController(): {
  signal: AbortSignal;
  code: () => number | undefined;
  abort: (reason: Error) => void;
} {
  const controller = new AbortController();
  let code: number | undefined;
  const on = (sig: NodeJS.Signals, exit: number) =>
    process.on(sig, () => {
      if (code !== undefined) process.exit(exit); // second signal: stop waiting
      code = exit;
      controller.abort(new Error(`received ${sig}`));
    });
  on('SIGINT', 130);
  on('SIGTERM', 143);
  return { signal: controller.signal, code: () => code, abort: (reason) => controller.abort(reason) };
}

const invokedDirectly = (() => {
  try {
    return (
      process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  const interrupts = interruptController();
  const internal = watchInternalErrors(interrupts.abort, (line) => void process.stderr.write(line + '\n'));
  main(process.argv.slice(2), { signal: interrupts.signal }).then(
    (code) => process.exit(internal.code() ?? interrupts.code() ?? code),
    (e: unknown) => {
      process.stderr.write(`perfgate: unexpected failure: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(ExitCode.Environment);
    },
  );
}
