/**
 * A common start time for shards on several runners (`run --start-at`): checked when the flags
 * are read, so that a start time perfgate will not wait for is a usage error before the SUT
 * boots; waited for after the SUT is ready, and the wait ends at once on an interrupt.
 */
import { ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** A start time more than this far ahead is a mistake, not a plan. */
const START_AT_MAX_WAIT_MS = 15 * 60_000;

export function parseStartAt(value: string, now: number = Date.now()): number {
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw new ConfigError(
      `--start-at: ${JSON.stringify(value)} is not a time; expected an ISO time such as 2026-11-25T10:00:00Z`,
    );
  if (at - now > START_AT_MAX_WAIT_MS) {
    throw new ConfigError(
      `--start-at: ${JSON.stringify(value)} is ${Math.round((at - now) / 60_000)} min away; expected a time at most ${START_AT_MAX_WAIT_MS / 60_000} min ahead`,
    );
  }
  return at;
}

export async function waitForStartTime(
  startAt: number,
  logger: Logger,
  signal: AbortSignal | undefined,
  now: () => number = Date.now,
): Promise<void> {
  const wait = startAt - now();
  if (wait <= 0)
    return void logger.warn(
      `--start-at was ${Math.round(-wait / 1000)}s ago: starting at once; shards may not overlap`,
    );
  logger.info(`waiting ${(wait / 1000).toFixed(1)}s for the common start time`);
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(wait, START_AT_MAX_WAIT_MS));
    signal?.addEventListener('abort', done, { once: true });
    if (signal?.aborted) done();
  });
}
