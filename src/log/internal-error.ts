/**
 * A bug or an exhausted resource inside perfgate (an exception thrown from a socket callback,
 * outside any await) used to end the process through Node's default handler: exit 1, which reads
 * as "gate failed", the SUT left running, no result.json, and the throwing line of the minified
 * bundle (~100 KB) on stderr (issue 15, case 6). Instead: one line naming the error and where it
 * came from, the run aborted so the pipeline tears the SUT down and writes what was measured,
 * and exit 3. A backstop exits if the teardown itself hangs.
 */
import { ExitCode } from '../errors.js';

/** How long the aborted pipeline may take to tear down and write before the process exits anyway. */
const TEARDOWN_BACKSTOP_MS = 10_000;

export interface InternalErrorWatch {
  /** ExitCode.Environment once an internal error happened, else undefined. */
  code(): number | undefined;
}

export function watchInternalErrors(abort: (reason: Error) => void, write: (line: string) => void): InternalErrorWatch {
  let failed = false;
  const onError = (e: unknown) => {
    const line = describe(e);
    if (failed) return write(`perfgate: another internal error while stopping: ${line}`);
    failed = true;
    write(`perfgate: internal error: ${line}; stopping the run and tearing the SUT down`);
    abort(new Error(`internal error: ${line}`));
    setTimeout(() => process.exit(ExitCode.Environment), TEARDOWN_BACKSTOP_MS).unref();
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return { code: () => (failed ? ExitCode.Environment : undefined) };
}

/** "RangeError: Invalid string length (at http-parser.js:134)": the message and the first frame, never source text. */
export function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e).slice(0, 500);
  const frame = /\n\s+at (?:.*?\()?(.*?:\d+):\d+\)?/.exec(e.stack ?? '')?.[1];
  const where = frame ? ` (at ${frame.replace(/^.*[\\/]/, '')})` : '';
  return `${e.name}: ${e.message.slice(0, 500)}${where}`;
}
