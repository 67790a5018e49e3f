/**
 * What git says about the working directory, for the untrusted-checkout guard
 * (src/publish/event.ts decides; this file only asks git).
 */
import { spawnSync } from 'node:child_process';
import { trustedRefs, type CheckoutState, type RunEvent } from '../publish/event.js';

function git(cwd: string, args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '' };
}

/**
 * HEAD, and whether it is in the history of a trusted ref. `merge-base --is-ancestor` exits 0
 * (yes), 1 (no) or 128 (a commit is missing); a shallow clone can answer 1 for lack of history,
 * so there a "no" is reported as "cannot tell".
 */
export function inspectCheckout(cwd: string, event: RunEvent): CheckoutState {
  const head = git(cwd, ['rev-parse', '--verify', 'HEAD']);
  if (head.status !== 0) return { sha: undefined, inTrustedHistory: undefined };
  const sha = head.stdout.trim();
  let answered = false;
  for (const ref of trustedRefs(event)) {
    const { status } = git(cwd, ['merge-base', '--is-ancestor', sha, ref]);
    if (status === 0) return { sha, inTrustedHistory: true };
    if (status === 1) answered = true;
  }
  const shallow = git(cwd, ['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true';
  return { sha, inTrustedHistory: answered && !shallow ? false : undefined };
}
