/** Opens the configured baseline store (or a folder given on the command line). */
import path from 'node:path';
import type { Settings } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { createCacheStore } from './cache-store.js';
import { createDirStore } from './dir-store.js';
import { createGitStore } from './git-store.js';
import type { BaselineStore, CacheTransport } from './types.js';

export type { BaselineStore, CacheTransport } from './types.js';

export interface OpenStoreOptions {
  /** The Actions cache service; only the action has one (its token is not given to `run:` steps). */
  cache?: CacheTransport;
  /** perfgate's environment: git's, and the run's id for a unique cache key. */
  env: NodeJS.ProcessEnv;
}

/**
 * `location` is a folder (a dir store there) or "auto"/undefined (the config's baseline
 * section). Open the store before the profiles run, so that a store that cannot be used is a
 * usage error (exit 2) before minutes of load, not after.
 */
export function openBaselineStore(
  settings: Settings,
  location: string | undefined,
  cwd: string,
  options: OpenStoreOptions,
): BaselineStore {
  if (location !== undefined && location !== 'auto') return createDirStore(path.resolve(cwd, location));
  const b = settings.config.baseline;
  switch (b.store) {
    case 'dir':
      return createDirStore(path.resolve(settings.dir, b.path));
    case 'git':
      return createGitStore({ repoDir: settings.dir, branch: b.branch, path: b.path, env: options.env });
    case 'cache': {
      if (!options.cache) {
        throw new ConfigError(
          `baseline.store: "cache" needs the perfgate GitHub Action: the Actions cache service's token is given only to actions, not to run: steps or a laptop; expected "dir" or "git" here (or --baseline DIR)`,
        );
      }
      const env = options.env;
      return createCacheStore({
        dir: path.resolve(settings.dir, b.path),
        transport: options.cache,
        uniqueSuffix: `${env.GITHUB_RUN_ID ?? Date.now()}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`,
      });
    }
  }
}
