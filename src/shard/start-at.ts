import type { Logger } from '../log/logger.js';
import type { RunObserver } from '../run/profiles.js';

/** Holds the first profile until a common start time, so that shards on several runners overlap. */
export function startAtObserver(startAt: number, logger: Logger, now: () => number = Date.now): RunObserver {
  let waited = false;
  return {
    name: 'start-at',
    async beforeProfile() {
      if (waited) return;
      waited = true;
      const wait = startAt - now();
      if (wait <= 0) return void logger.warn(`--start-at was ${Math.round(-wait / 1000)}s ago: starting at once; shards may not overlap`);
      // Bounded: a start time more than 15 minutes ahead is a mistake, not a plan.
      if (wait > 15 * 60_000) throw new Error(`--start-at is ${Math.round(wait / 60_000)} min away (more than 15 min)`);
      logger.info(`waiting ${(wait / 1000).toFixed(1)}s for the common start time`);
      await new Promise((r) => setTimeout(r, wait));
    },
  };
}
