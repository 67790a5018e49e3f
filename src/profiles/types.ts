import type { Config, Settings } from '../config/schema.js';
import type { LoadRunner } from '../load/types.js';
import type { Logger } from '../log/logger.js';
import type { ResourceSampler } from '../monitor/sampler.js';
import type { SutHandle } from '../sut/types.js';

/** Everything a profile runner may use; the pipeline builds one per profile. */
export interface ProfileContext {
  settings: Settings;
  config: Config;
  /** Base URL of the SUT (already checked against the target allow-list). */
  baseUrl: string;
  /** The running SUT, when perfgate started one (crash detection, PIDs). */
  sut: SutHandle | undefined;
  loadRunner: LoadRunner;
  logger: Logger;
  /** Aborted on interrupt, SUT crash or the profile's time budget. */
  signal: AbortSignal;
  /** Folder for this run's artifacts (result.json, logs, JTL files…). */
  outDir: string;
  /** The monitor's process sampler of this profile, when the monitor is on (a stress ramp reads its peaks). */
  sampler?: (() => ResourceSampler | undefined) | undefined;
  /** perfgate's environment, read once at the front door (JMeter's location, its child's environment). */
  env: NodeJS.ProcessEnv;
}
