/**
 * Who may write a baseline. In GitHub Actions only a push or a schedule on the default branch
 * writes: a pull request (above all from a fork) only reads, or anyone could move the bar.
 * Outside Actions the person at the keyboard is trusted.
 */
import { readFileSync } from 'node:fs';

export interface WritePermission {
  allowed: boolean;
  /** The event recorded with the entry (push, schedule, local). */
  event: string;
  why: string;
}

const TRUSTED_EVENTS = ['push', 'schedule'];

export function baselineWritePermission(env: NodeJS.ProcessEnv): WritePermission {
  if (env.GITHUB_ACTIONS !== 'true') return { allowed: true, event: 'local', why: 'outside GitHub Actions' };
  const event = env.GITHUB_EVENT_NAME ?? 'unknown';
  const defaultBranch = defaultBranchOf(env);
  const ref = env.GITHUB_REF ?? '';
  if (!TRUSTED_EVENTS.includes(event))
    return {
      allowed: false,
      event,
      why: `a ${event} event only reads baselines (only push or schedule on the default branch writes)`,
    };
  if (!defaultBranch)
    return {
      allowed: false,
      event,
      why: 'the default branch is unknown (no repository.default_branch in the event payload)',
    };
  if (ref !== `refs/heads/${defaultBranch}`)
    return {
      allowed: false,
      event,
      why: `${ref || 'this ref'} is not the default branch ${defaultBranch}; only the default branch writes baselines`,
    };
  return { allowed: true, event, why: `${event} on ${defaultBranch}` };
}

function defaultBranchOf(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      repository?: { default_branch?: unknown };
    };
    return typeof payload.repository?.default_branch === 'string' ? payload.repository.default_branch : undefined;
  } catch {
    return undefined;
  }
}
