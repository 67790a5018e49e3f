/** Opens the configured baseline store (or a folder given on the command line). */
import path from 'node:path';
import type { Settings } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { createDirStore } from './dir-store.js';
import { createGitStore } from './git-store.js';
import type { BaselineStore } from './types.js';

export type { BaselineStore } from './types.js';
export type { BaselineEntry } from './format.js';

/**
 * `location` is a folder (a dir store there) or "auto"/undefined (the config's baseline
 * section). The Actions cache is not offered as a store: its entries are immutable per key and
 * evicted after 7 days unused (a quiet repository would lose its baseline), it cannot be listed
 * or trimmed, and only the action's edge may import @actions/* — keep .perfgate/baselines in an
 * actions/cache step of the workflow instead (see docs/regression.md).
 */
export function openBaselineStore(settings: Settings, location: string | undefined, cwd: string): BaselineStore {
  if (location !== undefined && location !== 'auto') return createDirStore(path.resolve(cwd, location));
  const b = settings.config.baseline;
  switch (b.store) {
    case 'dir':
      return createDirStore(path.resolve(settings.dir, b.path));
    case 'git':
      return createGitStore({ repoDir: settings.dir, branch: b.branch, path: b.path });
    case 'cache':
      throw new ConfigError(
        `baseline.store: "cache" is not supported; expected "dir" or "git". Actions cache entries are immutable and evicted after 7 days unused; cache the baseline folder with actions/cache and use store: dir (see docs/regression.md)`,
      );
  }
}
