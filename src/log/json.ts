import type { Logger } from './logger.js';

/**
 * `--log-format json`: one JSON object per line on stderr ({ time, level, msg }) for logging
 * platforms. Progress lines come at most every `intervalMs`, as in plain CI logs.
 */
export function createJsonLogger(
  options: { verbose?: boolean; intervalMs?: number; stream?: NodeJS.WritableStream; now?: () => Date } = {},
): Logger {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => new Date());
  const interval = options.intervalMs ?? 5_000;
  let lastProgress = 0;
  const write = (level: string, msg: string) =>
    stream.write(JSON.stringify({ time: now().toISOString(), level, msg }) + '\n');
  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    debug: (m) => {
      if (options.verbose) write('debug', m);
    },
    progress: (m) => {
      const t = now().getTime();
      if (t - lastProgress >= interval) {
        lastProgress = t;
        write('progress', m);
      }
    },
  };
}

export const LOG_FORMATS = ['text', 'json'] as const;

/** Takes `--log-format X` / `--log-format=X` out of argv (it applies to every command). */
export function extractLogFormat(argv: string[]): { argv: string[]; format: string | undefined } {
  const out: string[] = [];
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--log-format') {
      format = argv[i + 1] ?? '';
      i++;
    } else if (a.startsWith('--log-format=')) format = a.slice('--log-format='.length);
    else out.push(a);
  }
  return { argv: out, format };
}
