/**
 * The Actions cache as a baseline store (`baseline.store: cache`). Cache entries are immutable,
 * so every save writes a new entry: the branch's whole history file (a dir store in a local
 * folder) under the key `perfgate-baselines/v1/<branch>/<sha>/<run>-<attempt>`, and a read
 * restores the newest entry whose key starts with `perfgate-baselines/v1/<branch>/` (the cache
 * service matches restore keys by prefix, newest first). `/` cannot occur in the encoded branch,
 * so `main` never matches `main-2`.
 *
 * What the service itself decides, and the docs say: entries unused for 7 days are evicted, a
 * pull request reads the entries of its base branch and the default branch, and only the
 * perfgate action (not a `run:` step) is given the service's token.
 */
import path from 'node:path';
import { DataError } from '../errors.js';
import { fileNameOf, type BaselineEntry } from './format.js';
import { createDirStore } from './dir-store.js';
import type { BaselineStore, CacheTransport } from './types.js';

const CACHE_KEY_ROOT = 'perfgate-baselines/v1/';

export interface CacheStoreOptions {
  /** Local folder the entries are restored into and saved from (one subfolder per branch). */
  dir: string;
  transport: CacheTransport;
  /** Makes a save's key unique: `<run id>-<attempt>` in Actions. */
  uniqueSuffix: string;
}

export const cacheKeyPrefix = (branch: string): string => `${CACHE_KEY_ROOT}${encodeURIComponent(branch)}/`;

export function createCacheStore(options: CacheStoreOptions): BaselineStore {
  const branchDir = (branch: string) => path.join(options.dir, fileNameOf(branch).slice(0, -'.json'.length));
  const restored = new Map<string, Promise<string | undefined>>();
  /** Restores a branch's newest entry once per process; later reads see the local copy (and our own saves). */
  const restore = (branch: string) => {
    let pending = restored.get(branch);
    if (!pending) {
      pending = options.transport.restore(branchDir(branch), cacheKeyPrefix(branch));
      restored.set(branch, pending);
    }
    return pending;
  };
  const local = (branch: string) => createDirStore(branchDir(branch));
  return {
    description: `Actions cache (keys ${CACHE_KEY_ROOT}…)`,
    async history(branch) {
      await restore(branch);
      return local(branch).history(branch);
    },
    async save(entry: BaselineEntry, keep: number) {
      await restore(entry.branch);
      await local(entry.branch).save(entry, keep); // a corrupt restored file throws here: nothing is saved over it
      const key = `${cacheKeyPrefix(entry.branch)}${entry.sha}/${options.uniqueSuffix}`;
      if (key.length > 512)
        throw new DataError(
          `baseline.store cache: the key ${JSON.stringify(key.slice(0, 80))}… is longer than the 512 characters the cache allows (a very long branch name)`,
        );
      await options.transport.save(branchDir(entry.branch), key);
    },
    async branches() {
      // The cache service cannot be listed by a workflow's token; only branches read in this process are known.
      const known = await Promise.all(
        [...restored.keys()].map(async (b) => ((await local(b).history(b)).length > 0 ? [b] : [])),
      );
      return known.flat().sort();
    },
  };
}
