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
