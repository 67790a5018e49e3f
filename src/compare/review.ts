/**
 * Human review of threshold changes: a pull request must not loosen its own gate. When the
 * config's gates, SLOs or baseline/A/B settings differ from the base branch's version, the run
 * uses the base values and says "threshold change needs review", listing old → new. Profiles are
 * matched by name, else by position and workload, so a rename keeps its SLO; a renamed, missing or
 * re-aimed profile or a dropped SLO fails a pull request with "needs review: …" (gates.review).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseSettings } from '../config/read.js';
import type { Settings } from '../config/schema.js';

type Flat = Map<string, string>;

function flatten(value: unknown, prefix: string, out: Flat): Flat {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) out.set(prefix, JSON.stringify(value));
  return out;
}

/** The reviewed parts of a config: gates, baseline, ab and each profile's SLO (by name). */
function reviewed(settings: Settings): Flat {
  const c = settings.config;
  const out: Flat = new Map();
  flatten({ gates: c.gates, baseline: c.baseline, ab: c.ab }, '', out);
  for (const p of c.profiles) if ('slo' in p) flatten(p.slo, `profiles[${p.name}].slo`, out);
  return out;
}

/** "old → new" for every reviewed setting that differs. */
export function thresholdChanges(base: Settings, head: Settings): string[] {
  const a = reviewed(base);
  const b = reviewed(head);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys
    .filter((k) => a.get(k) !== b.get(k))
    .map((k) => `${k}: ${a.get(k) ?? '(unset)'} → ${b.get(k) ?? '(unset)'}`);
}

type Profile = Settings['config']['profiles'][number];

/** What a profile sends: its kind, its requests and its model (open with a rate, closed without). */
function workloadOf(p: Profile): string {
  const requests = 'requests' in p ? p.requests : undefined;
  const model = 'rate' in p && p.rate !== undefined ? 'open' : 'closed';
  return JSON.stringify({ kind: p.kind, requests, model });
}

/**
 * The base profile each head profile stands for: the one of the same name, else the one at the
 * same position with the same workload whose name the head no longer uses (a rename). Matching by
 * name alone let a rename drop its SLO unnoticed (issue 15, case 4).
 */
function matchProfiles(base: readonly Profile[], head: readonly Profile[]): (Profile | undefined)[] {
  const headNames = new Set(head.map((p) => p.name));
  return head.map((p, i) => {
    const byName = base.find((b) => b.name === p.name);
    if (byName) return byName;
    const atPosition = base[i];
    return atPosition && !headNames.has(atPosition.name) && workloadOf(atPosition) === workloadOf(p)
      ? atPosition
      : undefined;
  });
}

/** What a reviewer must look at: renamed, missing and changed-workload profiles, dropped SLOs; and added profiles. */
function profileFindings(base: Settings, head: Settings): { needsReview: string[]; added: string[] } {
  const matches = matchProfiles(base.config.profiles, head.config.profiles);
  const needsReview: string[] = [];
  const added: string[] = [];
  head.config.profiles.forEach((p, i) => {
    const b = matches[i];
    if (!b) return void added.push(`profile ${p.name} is new (no base profile to compare its SLO with)`);
    if (b.name !== p.name) needsReview.push(`profile ${b.name} was renamed to ${p.name}`);
    else if (workloadOf(b) !== workloadOf(p))
      needsReview.push(`profile ${p.name} changed its workload (requests or model)`);
    const baseSlo: Record<string, unknown> = 'slo' in b ? b.slo : {};
    const headSlo: Record<string, unknown> = 'slo' in p ? p.slo : {};
    // Not `level`: without `level: warn` an SLO is stricter, not dropped (a changed level is a threshold change).
    const dropped = Object.keys(baseSlo).filter(
      (k) => k !== 'level' && baseSlo[k] !== undefined && headSlo[k] === undefined,
    );
    if (dropped.length) needsReview.push(`profile ${p.name} dropped its SLO ${dropped.join(', ')} (base ${b.name})`);
  });
  const matched = new Set(matches);
  for (const b of base.config.profiles)
    if (!matched.has(b)) needsReview.push(`profile ${b.name} is missing from the head`);
  return { needsReview, added };
}

/** The head's settings with the base's gates, SLOs (by matched profile), baseline and ab settings put back. */
function withBaseThresholds(head: Settings, base: Settings): Settings {
  const matches = matchProfiles(base.config.profiles, head.config.profiles);
  const profiles = head.config.profiles.map((p, i) => {
    const b = matches[i];
    return 'slo' in p && b && 'slo' in b ? { ...p, slo: b.slo } : p;
  }) as Settings['config']['profiles'];
  return {
    ...head,
    config: { ...head.config, gates: base.config.gates, baseline: base.config.baseline, ab: base.config.ab, profiles },
  };
}

export function reviewNotice(changes: string[]): string {
  return `threshold change needs review: this change edits gates/SLOs/baseline settings; the base branch's values were used for the gate (${changes.join('; ')})`;
}

/** The config file as it is on `ref` (tries origin/<ref> first), or undefined when git has no such file. */
function configAtRef(configPath: string, ref: string): string | undefined {
  const dir = path.dirname(configPath);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  try {
    const top = git('rev-parse', '--show-toplevel').trim();
    const rel = path.relative(top, configPath).split(path.sep).join('/');
    for (const r of [`origin/${ref}`, ref]) {
      try {
        return git('show', `${r}:${rel}`);
      } catch {
        /* try the next spelling of the ref */
      }
    }
  } catch {
    /* not a git checkout */
  }
  return undefined;
}

/** The events whose runs are pull requests, gated by review. */
export function isPullRequestEvent(eventName: string | undefined): boolean {
  return eventName === 'pull_request' || eventName === 'pull_request_target';
}

export interface Review {
  /** The settings to gate with. */
  settings: Settings;
  notices: string[];
  /** "needs review: …" failures of a pull request (the base's `gates.review: fail`). */
  problems: string[];
}

/**
 * Settle the thresholds of a run against the base branch: the settings to gate with, the notices
 * to show and, for a pull request, the findings that fail it. The base's `gates.review` decides,
 * so that a branch cannot turn its own review off. A base config that no longer parses is
 * reported, not used. The base is read with the head's environment: its `${NAME}` requests must
 * resolve as the head's do for their workloads to compare equal.
 */
export function reviewAgainstRef(
  head: Settings,
  ref: string | undefined,
  options: { env: Readonly<Record<string, string | undefined>>; pullRequest?: boolean },
): Review {
  if (!ref) return { settings: head, notices: [], problems: [] };
  const text = configAtRef(head.path, ref);
  if (text === undefined) {
    return {
      settings: head,
      notices: [
        `threshold review skipped: ${path.basename(head.path)} was not found on ${ref} (a new file, or the base branch was not fetched: use actions/checkout with fetch-depth: 0)`,
      ],
      problems: [],
    };
  }
  let base: Settings;
  try {
    base = parseSettings(text, head.path, options.env);
  } catch (e) {
    return {
      settings: head,
      notices: [
        `the base branch's ${path.basename(head.path)} (${ref}) does not parse, so threshold changes could not be checked: ${(e as Error).message}`,
      ],
      problems: [],
    };
  }
  const changes = thresholdChanges(base, head);
  const { needsReview, added } = profileFindings(base, head);
  const findings = needsReview.map((f) => `needs review: ${f}`);
  const failing = options.pullRequest === true && base.config.gates.review === 'fail';
  const notices = [...(changes.length ? [reviewNotice(changes)] : []), ...added, ...(failing ? [] : findings)];
  const settings = changes.length || needsReview.length ? withBaseThresholds(head, base) : head;
  return { settings, notices, problems: failing ? findings : [] };
}
