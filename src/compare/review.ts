/**
 * Human review of threshold changes: a pull request must not loosen its own gate. When the
 * config's gates, SLOs or baseline/A/B settings differ from the base branch's version, the run
 * uses the base values and says "threshold change needs review", listing old → new.
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

/** The head's settings with the base's gates, SLOs, baseline and ab settings put back. */
function withBaseThresholds(head: Settings, base: Settings): Settings {
  const sloOf = new Map(base.config.profiles.map((p) => [p.name, 'slo' in p ? p.slo : undefined]));
  const profiles = head.config.profiles.map((p) => {
    const slo = sloOf.get(p.name);
    return 'slo' in p && slo !== undefined ? { ...p, slo } : p;
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

/**
 * Settle the thresholds of a run against the base branch: returns the settings to gate with and
 * the notices to show. A base config that no longer parses is reported, not used.
 */
export function reviewAgainstRef(head: Settings, ref: string | undefined): { settings: Settings; notices: string[] } {
  if (!ref) return { settings: head, notices: [] };
  const text = configAtRef(head.path, ref);
  if (text === undefined) {
    return {
      settings: head,
      notices: [
        `threshold review skipped: ${path.basename(head.path)} was not found on ${ref} (a new file, or the base branch was not fetched: use actions/checkout with fetch-depth: 0)`,
      ],
    };
  }
  let base: Settings;
  try {
    base = parseSettings(text, head.path);
  } catch (e) {
    return {
      settings: head,
      notices: [
        `the base branch's ${path.basename(head.path)} (${ref}) does not parse, so threshold changes could not be checked: ${(e as Error).message}`,
      ],
    };
  }
  const changes = thresholdChanges(base, head);
  if (changes.length === 0) return { settings: head, notices: [] };
  return { settings: withBaseThresholds(head, base), notices: [reviewNotice(changes)] };
}
