import { execFileSync } from 'node:child_process';
import type { RunResult } from '../model/result.js';

/**
 * Commit and branch of the run: from the Actions environment when present, else from git in
 * `dir`. Read once at the front door (nothing deeper reads process.env).
 */
export function gitContext(env: NodeJS.ProcessEnv, dir: string): RunResult['git'] {
  const git = gitIn(dir);
  const sha = env.GITHUB_SHA || git('rev-parse', 'HEAD');
  const ref = env.GITHUB_REF || undefined;
  const branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || git('rev-parse', '--abbrev-ref', 'HEAD');
  return { ...(sha ? { sha } : {}), ...(ref ? { ref } : {}), ...(branch ? { branch } : {}) };
}

/** Which commit a checkout folder holds (`perfgate ab --base DIR`), for the result's comparison.baseline. */
export function checkoutIdentity(dir: string, how: string): { sha?: string; ref?: string; how: string } {
  const git = gitIn(dir);
  const sha = git('rev-parse', 'HEAD');
  const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
  return { ...(sha ? { sha } : {}), ...(branch && branch !== 'HEAD' ? { ref: branch } : {}), how };
}

function gitIn(dir: string): (...args: string[]) => string | undefined {
  return (...args: string[]): string | undefined => {
    try {
      return (
        execFileSync('git', args, {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: 5_000,
        }).trim() || undefined
      );
    } catch {
      return undefined;
    }
  };
}

export function runnerContext(env: NodeJS.ProcessEnv): { name?: string; ci: boolean } {
  return {
    ...(env.RUNNER_NAME ? { name: env.RUNNER_NAME } : {}),
    ci: env.CI === 'true' || env.GITHUB_ACTIONS === 'true',
  };
}
