/**
 * One small interface for every source of measurements around a profile (k6's output interface
 * is the model: start, add, stop): the process sampler, the Node probe's CPU profiles,
 * Prometheus, PostgreSQL, the HTTP hygiene probe. A collector only collects; what the numbers
 * mean is decided later by src/analyze/, which reads the typed parts and never a collector.
 */
import type { ProfileConfig } from '../config/schema.js';
import type { HygieneFinding } from '../model/hygiene.js';
import type { Resources } from '../model/monitor.js';
import type { SutHandle } from '../sut/types.js';

export interface CollectTarget {
  profile: ProfileConfig;
  sut: SutHandle;
}

/** A collector's typed share of one profile's data. */
export interface CollectedPart {
  resources?: Partial<Resources>;
  hygiene?: HygieneFinding[];
}

export interface Collector {
  readonly name: string;
  /** Before the SUT starts: environment the SUT needs for this source (e.g. NODE_OPTIONS for the probe). */
  sutEnv?(): Promise<Record<string, string>>;
  /** Right before a profile's load starts. */
  start?(target: CollectTarget): Promise<void>;
  /** Right after the load: this source's part of the profile's data. */
  stop?(target: CollectTarget): Promise<CollectedPart>;
  /** After the SUT was stopped: release connections; notices for the result. */
  finish?(): Promise<string[]>;
}
