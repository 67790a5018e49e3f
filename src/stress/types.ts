/**
 * What the stress ramp and the robustness checks use of a profile's context: the stress stage's
 * own view, so that it does not import the profile runners above it; ProfileContext extends it.
 */
import type { Config } from '../config/schema.js';
import type { LoadRunner } from '../load/types.js';
import type { Logger } from '../log/logger.js';
import type { ResourceSampler } from '../monitor/sampler.js';
import type { SutHandle } from '../sut/types.js';

export interface StressContext {
  config: Config;
  /** Base URL of the SUT (already checked against the target allow-list). */
  baseUrl: string;
  /** The running SUT, when perfgate started one (crash detection, PIDs). */
  sut: SutHandle | undefined;
  loadRunner: LoadRunner;
  logger: Logger;
  /** Aborted on interrupt, SUT crash or the profile's time budget. */
  signal: AbortSignal;
  /** The monitor's process sampler of this profile, when the monitor is on. */
  sampler?: (() => ResourceSampler | undefined) | undefined;
}
