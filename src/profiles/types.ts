import type { Settings } from '../config/schema.js';
import type { StressContext } from '../stress/types.js';

/**
 * Everything a profile runner may use; the run builds one per profile. The stress stage's view
 * (SUT, load runner, logger, signal, the monitor's sampler) plus what the other kinds need.
 */
export interface ProfileContext extends StressContext {
  settings: Settings;
  /** Folder for this run's artifacts (result.json, logs, JTL files…). */
  outDir: string;
  /** perfgate's environment, read once at the front door (JMeter's location, its child's environment). */
  env: NodeJS.ProcessEnv;
  /** A value learnt during the run that must be masked wherever perfgate writes (a captured token). */
  onSecret: (value: string) => void;
}
