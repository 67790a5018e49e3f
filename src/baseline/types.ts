import type { BaselineEntry } from './format.js';

/** Where baselines live. Reads fail closed (DataError) on anything they cannot parse. */
export interface BaselineStore {
  /** For messages: "directory /x/.perfgate/baselines", "git branch perfgate-data". */
  readonly description: string;
  /** A branch's history, oldest first; empty when nothing was saved yet. */
  history(branch: string): Promise<BaselineEntry[]>;
  /** Append an entry to its branch's history, keeping the newest `keep`. */
  save(entry: BaselineEntry, keep: number): Promise<void>;
  branches(): Promise<string[]>;
}

/**
 * The Actions cache service as the cache store sees it (implemented at the action's edge with
 * @actions/cache, so that only the action imports @actions/*).
 */
export interface CacheTransport {
  /** Restores the newest entry whose key starts with `prefix` into `dir`; the key it restored, or undefined on a miss. */
  restore(dir: string, prefix: string): Promise<string | undefined>;
  /** Saves `dir` under `key`; throws when the service did not store it. */
  save(dir: string, key: string): Promise<void>;
}
