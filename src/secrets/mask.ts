/**
 * The one masking function of perfgate: every value known to be secret is replaced by *** in
 * whatever leaves perfgate (result.json and the reports built from it, the PR comment and the
 * job summary, the log lines, sut.log, the message of an error that ends the run). Values under 4 characters are not masked: masking "1"
 * or "true" everywhere would destroy the report and protect nothing.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fs-atomic.js';
import type { Logger } from '../log/logger.js';

const MIN_SECRET_LENGTH = 4;

const MASK = '***';

/** Replaces every occurrence of a secret value with *** (longest first, so that a secret inside another goes with it). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of usable(secrets)) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** A copy of `value` with every string in it masked (objects and arrays walked; numbers and booleans kept). */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
  const list = usable(secrets);
  if (!list.length) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskSecrets(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [maskSecrets(k, list), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function usable(secrets: readonly (string | undefined)[]): string[] {
  const long = secrets.filter((s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH);
  return [...new Set(long)].sort((a, b) => b.length - a.length);
}

/**
 * The secrets worth masking, for the runner's own masking (core.setSecret) to match perfgate's:
 * registering "1" would mask every 1 in the job's log. A value of several lines also gives each
 * of its lines: the runner masks its log one line at a time, where a whole multi-line value never
 * matches (GitHub's advice for multiline secrets).
 */
export function maskableSecrets(secrets: readonly (string | undefined)[]): string[] {
  return usable(secrets.flatMap((s) => (s?.includes('\n') ? [s, ...s.split(/\r?\n/)] : [s])));
}

/** A logger whose every line is masked, with the secrets known when the line is written. */
export function maskingLogger(logger: Logger, secrets: readonly string[]): Logger {
  // The list may grow during the run (a token captured by a setup request): re-read it when it does.
  let seen = secrets.length;
  let list = usable(secrets);
  const m = (text: string) => {
    if (secrets.length !== seen) {
      seen = secrets.length;
      list = usable(secrets);
    }
    return list.length ? maskSecrets(text, list) : text;
  };
  return {
    info: (t) => logger.info(m(t)),
    warn: (t) => logger.warn(m(t)),
    error: (t) => logger.error(m(t)),
    debug: (t) => logger.debug(m(t)),
    progress: (t) => logger.progress(m(t)),
  };
}

/** The error with its message and stack masked, for the front doors print both. */
export function maskError(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error) || !usable(secrets).length) return error;
  error.message = maskSecrets(error.message, secrets);
  if (error.stack) error.stack = maskSecrets(error.stack, secrets);
  return error;
}

/** Rewrites a file (sut.log) with its secrets masked; a missing file is left alone. */
export async function maskFile(file: string | undefined, secrets: readonly string[]): Promise<void> {
  if (!file || !usable(secrets).length) return;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return;
  }
  const masked = maskSecrets(text, secrets);
  if (masked !== text) await writeFileAtomic(file, masked);
}
