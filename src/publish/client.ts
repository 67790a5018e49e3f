/**
 * The GitHub REST client: @actions/github's Octokit, pointed at GITHUB_API_URL (read when the
 * client is made, so GHES and tests work), with retries that GitHub asks for: 5xx answers,
 * secondary rate limits (403/429 with `retry-after`) and exhausted primary limits
 * (`x-ratelimit-remaining: 0` until `x-ratelimit-reset`). @actions/github ships no retry plugin.
 */
import { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface RetryPolicy {
  attempts: number;
  /** Longest single wait; GitHub's own resets can be an hour away, a CI job cannot wait that long. */
  maxWaitMs: number;
  baseDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, maxWaitMs: 60_000, baseDelayMs: 1_000 };

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/** How long to wait before retrying, or undefined when the error is not worth a retry. */
export function retryDelayMs(
  error: HttpError,
  attempt: number,
  policy: RetryPolicy,
  now = Date.now(),
): number | undefined {
  const status = error.status ?? 0;
  const headers = error.response?.headers ?? {};
  const retryAfter = headers['retry-after'];
  const rateLimited =
    status === 429 ||
    (status === 403 &&
      (/rate limit/i.test(error.message ?? '') ||
        retryAfter !== undefined ||
        headers['x-ratelimit-remaining'] === '0'));
  if (!(status >= 500 || rateLimited)) return undefined;
  let wait = policy.baseDelayMs * 2 ** attempt;
  if (retryAfter !== undefined && !Number.isNaN(Number(retryAfter))) wait = Number(retryAfter) * 1000;
  else if (headers['x-ratelimit-remaining'] === '0' && headers['x-ratelimit-reset'])
    wait = Number(headers['x-ratelimit-reset']) * 1000 - now;
  return Math.min(policy.maxWaitMs, Math.max(0, wait));
}

export function createGitHubClient(
  token: string,
  env: NodeJS.ProcessEnv,
  policy: RetryPolicy = DEFAULT_RETRY,
): GitHubClient {
  const octokit = getOctokit(token, { baseUrl: env.GITHUB_API_URL || 'https://api.github.com' });
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (e) {
        const wait = attempt + 1 < policy.attempts ? retryDelayMs(e as HttpError, attempt, policy) : undefined;
        if (wait === undefined) throw e;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  });
  return octokit;
}

/** A 403 that means "this token may not write here" (fork PRs get a read-only token). */
export function isReadOnlyTokenError(e: unknown): boolean {
  const err = e as HttpError;
  return (
    err.status === 403 && /not accessible by integration|read-only|Must have admin rights/i.test(err.message ?? '')
  );
}
