/**
 * One sticky comment per pull request and config: found by a hidden marker and by its author
 * being this token's identity, on any page of the conversation; created once, then edited in
 * place. A run for an older head SHA than the one the comment shows leaves it alone (runs can
 * finish out of order), and duplicates left by parallel runs collapse into the oldest.
 */
import type { GitHubClient } from './client.js';

/** github-actions[bot]: the identity of installation tokens, which cannot call GET /user. */
const ACTIONS_BOT = { login: 'github-actions[bot]', id: 41898282 };

export function commentMarker(id: string): string {
  return `<!-- perfgate:comment id=${id} -->`;
}
const shaMarker = (sha: string) => `<!-- perfgate:sha=${sha} -->`;
const SHA_RE = /<!-- perfgate:sha=([0-9a-f]{7,40}) -->/;

export interface UpsertInput {
  owner: string;
  repo: string;
  issueNumber: number;
  /** The comment body (already planned to fit GitHub's size limit). */
  body: string;
  /** `report.id` of the config. */
  id: string;
  headSha: string | undefined;
  /** Edit the sticky comment if there is one, but post none (a `comment: on-change` run with nothing to say). */
  onlyUpdate?: string | undefined;
}

export type UpsertOutcome =
  | { action: 'created' | 'updated'; commentId: number; url: string }
  | { action: 'skipped'; commentId: number | undefined; reason: string };

async function whoAmI(client: GitHubClient): Promise<{ login: string; id: number }> {
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return { login: data.login, id: data.id };
  } catch {
    // Installation tokens (GITHUB_TOKEN) answer 403 here: they act as github-actions[bot].
    return ACTIONS_BOT;
  }
}

export async function upsertStickyComment(client: GitHubClient, input: UpsertInput): Promise<UpsertOutcome> {
  const marker = commentMarker(input.id);
  const me = await whoAmI(client);
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner: input.owner,
    repo: input.repo,
    issue_number: input.issueNumber,
    per_page: 100,
  });
  const ours = comments
    .filter((c) => (c.body ?? '').includes(marker) && (c.user?.id === me.id || c.user?.login === me.login))
    .sort((a, b) => a.id - b.id);
  const body = `${marker}\n${input.headSha ? shaMarker(input.headSha) + '\n' : ''}${input.body.replace(marker, '')}`;
  const [keep, ...duplicates] = ours;
  if (!keep && input.onlyUpdate) return { action: 'skipped', commentId: undefined, reason: input.onlyUpdate };
  if (!keep) {
    const { data } = await client.rest.issues.createComment({
      owner: input.owner,
      repo: input.repo,
      issue_number: input.issueNumber,
      body,
    });
    return { action: 'created', commentId: data.id, url: data.html_url };
  }
  const shown = SHA_RE.exec(keep.body ?? '')?.[1];
  if (shown && input.headSha && shown !== input.headSha && (await isOlder(client, input, shown, input.headSha))) {
    return {
      action: 'skipped',
      commentId: keep.id,
      reason: `the comment already shows ${shown.slice(0, 7)}, which is newer than this run's ${input.headSha.slice(0, 7)}`,
    };
  }
  const { data } = await client.rest.issues.updateComment({
    owner: input.owner,
    repo: input.repo,
    comment_id: keep.id,
    body,
  });
  for (const d of duplicates) {
    await client.rest.issues
      .deleteComment({ owner: input.owner, repo: input.repo, comment_id: d.id })
      .catch(() => undefined);
  }
  return { action: 'updated', commentId: data.id, url: data.html_url };
}

/** True when `current` is an ancestor of `shown` (GitHub's compare says "behind"). */
async function isOlder(client: GitHubClient, input: UpsertInput, shown: string, current: string): Promise<boolean> {
  try {
    const { data } = await client.rest.repos.compareCommitsWithBasehead({
      owner: input.owner,
      repo: input.repo,
      basehead: `${shown}...${current}`,
    });
    return data.status === 'behind';
  } catch {
    // Unknown commits (force-pushed away): the newest run wins.
    return false;
  }
}
