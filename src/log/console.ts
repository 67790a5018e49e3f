import type { Logger } from './logger.js';

/**
 * The CLI's logger: messages to stderr (stdout stays clean for piping). Progress redraws one
 * line on a TTY; elsewhere (CI logs) it prints a plain line at most every `intervalMs`.
 */
export function createConsoleLogger(
  options: { verbose?: boolean; tty?: boolean; intervalMs?: number; stream?: NodeJS.WritableStream } = {},
): Logger {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean((stream as NodeJS.WriteStream).isTTY);
  const interval = options.intervalMs ?? 5_000;
  let lastPlain = 0;
  let lineOpen = false;
  const write = (text: string) => {
    if (lineOpen) {
      stream.write('\r\x1b[2K');
      lineOpen = false;
    }
    stream.write(text + '\n');
  };
  return {
    info: (m) => write(m),
    warn: (m) => write(`warning: ${m}`),
    error: (m) => write(`error: ${m}`),
    debug: (m) => {
      if (options.verbose) write(`debug: ${m}`);
    },
    progress: (m) => {
      if (tty) {
        stream.write(`\r\x1b[2K${m}`);
        lineOpen = true;
        return;
      }
      const t = Date.now();
      if (t - lastPlain >= interval) {
        lastPlain = t;
        stream.write(m + '\n');
      }
    },
  };
}
