/**
 * What a profile is planned to do and for how long, in a line for the console as it starts
 * (issue 14): `profile 2/3 "search" (load: 50 connections, 30s + 5s warmup); next: "ramp"
 * (stress, up to 6m00s)`. A stress ramp stops at its breaking point, so its length is a ceiling.
 */
import type { ProfileConfig } from '../config/schema.js';
import { loadModelOf } from '../load/model.js';
import { formatSpan } from '../log/progress.js';
import { plannedRampMs } from '../stress/ramp.js';

/** `load, 30s + 5s warmup`; with `detail`, what the load is: `load: 50 connections, 30s + 5s warmup`. */
function describePlan(profile: ProfileConfig, detail: boolean): string {
  switch (profile.kind) {
    case 'load': {
      const model = loadModelOf(profile);
      const what = model.kind === 'open' ? `open model at ${model.rate} req/s` : `${model.connections} connections`;
      const length = `${formatSpan(profile.duration)}${profile.warmup ? ` + ${formatSpan(profile.warmup)} warmup` : ''}`;
      return detail ? `load: ${what}, ${length}` : `load, ${length}`;
    }
    case 'stress': {
      const ramp = profile.connections ?? profile.rate;
      const what = ramp ? `${ramp.start}→${ramp.max} ${profile.connections ? 'connections' : 'req/s'}, ` : '';
      return `stress${detail ? `: ${what}` : ', '}up to ${formatSpan(plannedRampMs(profile))}`;
    }
    case 'robustness':
      return 'robustness: malformed-request checks';
    case 'jmeter':
      return `jmeter, up to ${formatSpan(profile.timeout)}`;
  }
}

/** The line logged as profile `index` (0-based) of `profiles` starts. */
export function profileStartLine(profiles: readonly ProfileConfig[], index: number): string {
  const profile = profiles[index];
  if (!profile) return '';
  const next = profiles[index + 1];
  return `profile ${index + 1}/${profiles.length} ${JSON.stringify(profile.name)} (${describePlan(profile, true)})${next ? `; next: ${JSON.stringify(next.name)} (${describePlan(next, false)})` : ''}`;
}
