import os from 'node:os';
import type { EnvironmentFingerprint } from '../model/result.js';

/** What a result was measured on; comparisons warn when two fingerprints differ. */
export function environmentFingerprint(runner: { name?: string; ci: boolean }): EnvironmentFingerprint {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    runner: runner.name ?? os.hostname(),
    ci: runner.ci,
  };
}
