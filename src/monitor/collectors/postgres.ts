/**
 * PostgreSQL activity during each profile: a read-only session opened on the first profile,
 * snapshots of the pg_stat views before and after, their delta in the profile's resources.
 */
import type { Settings } from '../../config/schema.js';
import type { Logger } from '../../log/logger.js';
import type { Collector } from '../collector.js';
import { PG_STAT_STATEMENTS_HELP, PostgresMonitor } from '../postgres.js';

/** `url` is the connection string read from the environment variable that monitor.postgres.urlEnv names. */
export function postgresCollector(settings: Settings, url: string | undefined, logger: Logger): Collector | undefined {
  const urlEnv = settings.config.monitor.postgres?.urlEnv;
  if (!urlEnv) return undefined;
  let db: PostgresMonitor | undefined;
  let before: Awaited<ReturnType<PostgresMonitor['snapshot']>> | undefined;
  let missingExtension = false;
  let attempted = 0;
  let collected = 0;
  return {
    name: 'postgres',
    async start() {
      attempted++;
      if (!url)
        throw new Error(
          `monitor.postgres.urlEnv: $${urlEnv} is empty; expected a connection string in that environment variable`,
        );
      db ??= await PostgresMonitor.connect(url);
      if (!db.hasStatements && !missingExtension) {
        missingExtension = true;
        logger.warn(PG_STAT_STATEMENTS_HELP);
      }
      before = await db.snapshot();
    },
    async stop() {
      if (!db || !before) return {};
      const database = await db.delta(before, await db.snapshot());
      before = undefined;
      collected++;
      return { resources: { database } };
    },
    async finish() {
      await db?.close();
      db = undefined;
      const notices = missingExtension ? [PG_STAT_STATEMENTS_HELP] : [];
      if (url && attempted > 0 && collected === 0) notices.push('PostgreSQL statistics were not collected');
      return notices;
    },
  };
}
