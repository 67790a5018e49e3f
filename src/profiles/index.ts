/**
 * Which runner handles which `kind` of profile. Each kind's module owns its runner; the
 * pipeline only dispatches.
 */
import type { ProfileConfig } from '../config/schema.js';
import type { ProfileResult } from '../model/result.js';
import { runJmeterProfile } from './jmeter.js';
import { runLoadProfile } from './load.js';
import { runRobustnessProfile } from './robustness.js';
import { runStressProfile } from './stress.js';
import type { ProfileContext } from './types.js';

export async function runProfile(ctx: ProfileContext, profile: ProfileConfig): Promise<ProfileResult> {
  switch (profile.kind) {
    case 'load':
      return runLoadProfile(ctx, profile);
    case 'stress':
      return runStressProfile(ctx, profile);
    case 'robustness':
      return runRobustnessProfile(ctx, profile);
    case 'jmeter':
      return runJmeterProfile(ctx, profile);
  }
}
