/** The frame every RunResult starts from (a run, an A/B, an imported JTL): the parts that do not depend on how it was measured. */
import { environmentFingerprint } from './environment.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../model/result.js';
import { VERSION } from '../version.js';

export interface ResultFrame {
  startedAt: Date;
  /** Default: startedAt (the pipeline sets it when it finishes). */
  finishedAt?: Date;
  configPath: string;
  git: RunResult['git'];
  runner: { name?: string; ci: boolean };
  sut: RunResult['sut'];
  notices?: string[];
}

export function newRunResult(frame: ResultFrame): RunResult {
  const finished = frame.finishedAt ?? frame.startedAt;
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: VERSION },
    status: 'pass',
    reasons: [],
    startedAt: frame.startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - frame.startedAt.getTime(),
    configPath: frame.configPath,
    git: frame.git,
    environment: environmentFingerprint(frame.runner),
    sut: frame.sut,
    profiles: [],
    bottlenecks: [],
    suggestions: [],
    notices: frame.notices ?? [],
    warnings: [],
  };
}
