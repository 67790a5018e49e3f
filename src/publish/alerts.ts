/**
 * Alerts for scheduled runs: one issue per regression (a profile's failed gate, or a metric the
 * comparison calls a regression), found again by a hidden key marker so that the next run
 * comments on it instead of opening another, and closed with a note when the metric recovers.
 * And an optional Slack-compatible JSON webhook with the verdict.
 */
import { subjectOf } from '../model/compare.js';
import type { RunResult } from '../model/result.js';
import { fetchOutbound } from '../net/fetch.js';
import { escapeMarkdown } from '../report/escape.js';
import type { GitHubClient } from './client.js';

export interface Regression {
  key: string;
  title: string;
  detail: string;
}

/** The regressions of a run, each with a stable key. */
function regressionsOf(result: RunResult): Regression[] {
  const out: Regression[] = [];
  for (const p of result.profiles) {
    if (p.status !== 'fail') continue;
    const failed = p.slo.checks.filter((c) => !c.pass);
    out.push({
      key: `${p.name}/gate`,
      title: `${p.name} fails its gate`,
      detail: p.reasons.join('\n') || failed.map((c) => c.metric).join(', '),
    });
  }
  for (const m of result.comparison?.metrics ?? []) {
    if (m.verdict !== 'regression') continue;
    out.push({
      key: `${m.profile}/${m.endpoint === undefined ? '' : `${m.endpoint}/`}${m.metric}`,
      title: `${subjectOf(m)} ${m.metric} regressed ${((m.ratio - 1) * 100).toFixed(1)}%`,
      detail: `${m.metric}: ${m.baseline.toFixed(3)} → ${m.current.toFixed(3)} (ratio ${m.ratio.toFixed(3)}, CI ${m.ci[0].toFixed(3)}–${m.ci[1].toFixed(3)})`,
    });
  }
  return out;
}

const alertMarker = (key: string) => `<!-- perfgate:alert key=${encodeURIComponent(key)} -->`;
const KEY_RE = /<!-- perfgate:alert key=([^ ]+) -->/;

export interface AlertInput {
  owner: string;
  repo: string;
  labels: string[];
  runUrl: string | undefined;
  sha: string | undefined;
}

export interface AlertOutcome {
  opened: number[];
  updated: number[];
  closed: number[];
}

export async function syncAlertIssues(
  client: GitHubClient,
  result: RunResult,
  input: AlertInput,
): Promise<AlertOutcome> {
  const regressions = regressionsOf(result);
  const open = await client.paginate(client.rest.issues.listForRepo, {
    owner: input.owner,
    repo: input.repo,
    state: 'open',
    labels: input.labels.join(','),
    per_page: 100,
  });
  const byKey = new Map<string, (typeof open)[number]>();
  for (const issue of open) {
    const key = KEY_RE.exec(issue.body ?? '')?.[1];
    if (key && !byKey.has(decodeURIComponent(key))) byKey.set(decodeURIComponent(key), issue);
  }
  const where = `${input.sha ? `commit ${input.sha.slice(0, 7)}` : 'this run'}${input.runUrl ? ` ([run](${input.runUrl}))` : ''}`;
  const outcome: AlertOutcome = { opened: [], updated: [], closed: [] };
  for (const r of regressions) {
    const existing = byKey.get(r.key);
    const text = escapeMarkdown(r.detail).replace(/ {2,}/g, ' ');
    if (existing) {
      await client.rest.issues.createComment({
        owner: input.owner,
        repo: input.repo,
        issue_number: existing.number,
        body: `Still regressed at ${where}:\n\n${text}`,
      });
      outcome.updated.push(existing.number);
    } else {
      const { data } = await client.rest.issues.create({
        owner: input.owner,
        repo: input.repo,
        title: `perfgate: ${r.title}`,
        labels: input.labels,
        body: `${alertMarker(r.key)}\nperfgate found a performance regression at ${where}.\n\n${text}\n\nperfgate updates this issue while the regression lasts and closes it when the metric recovers. Suggested thresholds or fixes need a human's review; perfgate changes nothing itself.`,
      });
      outcome.opened.push(data.number);
    }
  }
  const current = new Set(regressions.map((r) => r.key));
  for (const [key, issue] of byKey) {
    if (current.has(key)) continue;
    await client.rest.issues.createComment({
      owner: input.owner,
      repo: input.repo,
      issue_number: issue.number,
      body: `Recovered at ${where}: ${escapeMarkdown(key)} is back within its gate. Closing.`,
    });
    await client.rest.issues.update({
      owner: input.owner,
      repo: input.repo,
      issue_number: issue.number,
      state: 'closed',
    });
    outcome.closed.push(issue.number);
  }
  return outcome;
}

/**
 * Posts the verdict to a Slack-compatible incoming webhook ({ text }). The webhook's own host is
 * the only one allowed (besides loopback): the user named it in a secret, and `targets.allow` is
 * about load targets, not chat services. A redirect elsewhere is refused.
 */
export async function sendWebhook(url: string, result: RunResult, runUrl: string | undefined): Promise<void> {
  const lines = [
    `perfgate: ${result.status}${runUrl ? ` — ${runUrl}` : ''}`,
    ...result.reasons.slice(0, 5).map((r) => `• ${r}`),
  ];
  const res = await fetchOutbound(url, {
    field: 'the alert webhook',
    label: 'the alert webhook',
    allow: [new URL(url).hostname.replace(/^\[|\]$/g, '')],
    maxBytes: 64 * 1024,
    timeoutMs: 10_000,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: lines.join('\n') }),
  });
  if (!res.ok) throw new Error(`the webhook answered ${res.status}`);
}
