/**
 * The analysis stage: after the measurements, always, whether or not the monitor ran. It reads
 * the profiles' results and the collectors' typed output (never a collector), runs the
 * bottleneck rules, derives the suggestions, and says which sources were not measured, so that
 * a missing finding reads as "not measured" rather than "healthy".
 */
import type { ProfileConfig } from '../config/schema.js';
import type { HygieneFinding } from '../model/hygiene.js';
import type { Bottleneck, Suggestion } from '../model/monitor.js';
import type { ProfileResult } from '../model/result.js';
import { rankBottlenecks, RULES } from './bottlenecks.js';
import { hygieneSuggestions } from './hygiene.js';
import { suggestImprovements } from './suggestions.js';

/** Bottleneck identification must finish within 5 minutes (README: hard limits); in practice it takes milliseconds. */
const ANALYSIS_BUDGET_MS = 5 * 60_000;

export interface AnalysisInput {
  profiles: readonly ProfileResult[];
  configs: readonly ProfileConfig[];
  hygiene: ReadonlyMap<string, readonly HygieneFinding[]>;
  /** The SUT is on this machine's loopback (default): machine-wide network counters are not its traffic. */
  loopbackTarget?: boolean | undefined;
  /** Why no resources were sampled (monitor.enabled: false, an A/B), when none were: said in a notice. */
  unmonitored?: string | undefined;
}

export interface Analysis {
  bottlenecks: Bottleneck[];
  suggestions: Suggestion[];
  notices: string[];
}

export function analyzeRun(input: AnalysisInput, options: { budgetMs?: number; now?: () => number } = {}): Analysis {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.budgetMs ?? ANALYSIS_BUDGET_MS);
  const out: Analysis = { bottlenecks: [], suggestions: [], notices: [] };
  const measured = input.profiles.filter((p) => p.kind !== 'robustness');
  const context = { loopbackTarget: input.loopbackTarget ?? true };
  if (input.unmonitored && measured.length) {
    out.notices.push(
      `${input.unmonitored}: CPU, event loop, memory, I/O and database were not measured; only the load generator and connection errors were judged`,
    );
  }
  // The deadline is checked between rules, so that a rule that runs long stops the stage at once
  // instead of being found out after it finished.
  let ran = 0;
  const total = measured.length * RULES.length;
  outer: for (const p of measured) {
    const found: Bottleneck[] = [];
    for (const rule of RULES) {
      if (now() > deadline) {
        out.notices.push(
          `bottleneck identification stopped at its ${Math.round((options.budgetMs ?? ANALYSIS_BUDGET_MS) / 1000)}s budget after ${ran} of ${total} rule checks: the findings below are incomplete`,
        );
        out.bottlenecks.push(...rankBottlenecks(found));
        break outer;
      }
      const finding = rule(p, context);
      if (finding) found.push(finding);
      ran++;
    }
    out.bottlenecks.push(...rankBottlenecks(found));
  }
  out.suggestions.push(...suggestImprovements(measured, out.bottlenecks, input.configs, context));
  for (const p of measured)
    out.suggestions.push(...hygieneSuggestions(p.name, input.hygiene.get(p.name) ?? [], p.throughput.rps));
  return out;
}
