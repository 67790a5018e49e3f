/**
 * The Actions cache service for `baseline.store: cache`, through @actions/cache (which speaks the
 * service's protocol and uploads to its signed storage URLs). Only the action imports it: the
 * service's token (ACTIONS_RUNTIME_TOKEN) is given to actions, not to `run:` steps.
 */
import path from 'node:path';
import * as cache from '@actions/cache';
import { ConfigError } from '../errors.js';
import type { CacheTransport } from '../baseline/index.js';

export function actionsCacheTransport(env: NodeJS.ProcessEnv = process.env): CacheTransport {
  // The cache version hashes the path strings, and @actions/cache globs them from the current
  // folder: in the action (cwd = GITHUB_WORKSPACE) a workspace-relative path is the same string
  // on every runner; anywhere else the absolute path is the one that resolves.
  const workspace = env.GITHUB_WORKSPACE;
  const pathOf = (dir: string) => {
    const relative = path.relative(process.cwd(), dir);
    const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
    return inside && workspace !== undefined && path.resolve(workspace) === process.cwd() ? relative : dir;
  };
  const available = () => {
    if (!cache.isFeatureAvailable()) {
      throw new ConfigError(
        'baseline.store: "cache" but the Actions cache service is not available to this step (no ACTIONS_RESULTS_URL or ACTIONS_CACHE_URL); expected the perfgate action on a GitHub-hosted or cache-enabled runner, or store "dir" or "git"',
      );
    }
  };
  return {
    async restore(dir, prefix) {
      available();
      // @actions/cache reports a failed restore as a warning and a miss; the key is exact, the restore key a prefix.
      return cache.restoreCache([pathOf(dir)], prefix, [prefix]);
    },
    async save(dir, key) {
      available();
      const id = await cache.saveCache([pathOf(dir)], key);
      if (id === -1) throw new Error(`the Actions cache did not store ${key} (its warning above says why)`);
    },
  };
}
