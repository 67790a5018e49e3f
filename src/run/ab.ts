/**
 * The A/B run: the trials of base and head (compare/ab-trials.ts) as the measuring stage, the
 * paired comparison as the comparing stage, then the same analysis, verdict, export and record
 * as any run. The profiles shown are the last head trials, with their own statuses and reasons
 * (a saturated generator stays inconclusive); only their SLO checks are not gated in an A/B.
 */
import { analyzeRun } from '../analyze/index.js';
import { runAbTrials, type AbDeps, type AbTrials, type TrialWarmup } from '../compare/ab-trials.js';
import { comparePaired, pairsRun } from '../compare/paired.js';
import { splitNoise } from '../compare/noise.js';
import { alphaAt, decided, sequentialPlan, type SequentialPlan } from '../compare/sequential.js';
import type { Comparison } from '../model/compare.js';
import { numericThresholds, regressionGatesOf } from '../compare/gates.js';
import { reviewNotice, thresholdChanges } from '../compare/review.js';
import type { Settings } from '../config/schema.js';
import type { ProfileResult } from '../model/result.js';
import path from 'node:path';
import { collectSecrets } from '../secrets/collect.js';
import { maskError, maskFile, maskingLogger } from '../secrets/mask.js';
import { isLoopbackUrl } from '../sut/target.js';
import { prepareCheckout } from '../sut/build.js';
import { missedErrorLimit } from '../verdict/slo.js';
import { newRunResult } from './frame.js';
import { recordRun, type PublishStep, type RunContext, type RunOutcome } from './index.js';

export interface AbRequest {
  base: Settings;
  head: Settings;
  outDir: string;
  seed: number;
  context: RunContext;
  only?: string[] | undefined;
  /**
   * Build commands per checkout when its config has no sut.build (the action's install of a
   * checkout without node_modules); run before the checkout's first trial, not timed.
   */
  install?: Partial<Record<'base' | 'head', string>> | undefined;
  /** Notices settled before the run (e.g. the base had no config of its own). */
  notices?: string[] | undefined;
  /** Which base this is (ref, SHA, how it was found), for the result and the report's first lines. */
  baseIdentity?: BaseIdentity | undefined;
}

export interface BaseIdentity {
  sha?: string | undefined;
  ref?: string | undefined;
  how: string;
}

export async function executeAb<P extends { notices: string[] } = never>(
  request: AbRequest,
  deps: AbDeps & { now?: () => Date; publish?: PublishStep<P> | undefined },
): Promise<RunOutcome<P>> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const { base, head } = request;
  const secrets = [...new Set([...collectSecrets(base, deps.env), ...collectSecrets(head, deps.env)])];
  const logger = maskingLogger(deps.logger, secrets);
  const only = request.only ? { only: request.only } : {};
  await prepareCheckouts(request, deps, secrets, logger);
  const { plan, compareAt, looks, applied } = abComparison(base);
  const trials = await runAbTrials(
    { base, head, outDir: request.outDir, seed: request.seed, ...only, ...(looks ? { looks } : {}) },
    { ...deps, logger, secrets },
  )
    .catch((e: unknown) => {
      throw maskError(e, secrets);
    })
    .finally(() =>
      Promise.all(['base', 'head'].map((side) => maskFile(path.join(request.outDir, 'ab', side, 'sut.log'), secrets))),
    );
  const paired = compareAt(trials.pairs, trials.endpointPairs);
  const changes = thresholdChanges(base, head);
  const result = newRunResult({
    startedAt: started,
    finishedAt: now(),
    configPath: head.path,
    git: request.context.git,
    runner: request.context.runner,
    sut: { url: head.config.sut.url, ...(head.config.sut.command ? { command: head.config.sut.command } : {}) },
    notices: [...(changes.length ? [reviewNotice(changes)] : []), ...(request.notices ?? [])],
  });
  result.profiles = trials.lastHead.map((p) => lastHeadTrial(p, base.config.ab.trialDuration));
  const identity = request.baseIdentity;
  result.comparison = {
    method: 'ab',
    ...(identity
      ? {
          baseline: {
            ...(identity.sha ? { sha: identity.sha } : {}),
            ...(identity.ref ? { ref: identity.ref } : {}),
            how: identity.how,
          },
        }
      : {}),
    gates: { source: applied.source, thresholds: numericThresholds(applied.gates) },
    // How the trials ran is a fact of the run, not a warning (it was one, shown with ⚠️ on every A/B).
    design: {
      seed: request.seed,
      order: trials.order.map((s) => s[0]).join(''),
      loadSeconds: Math.round(trials.loadMs / 1000),
      ...(trials.pinned ? { pinned: trials.pinned } : {}),
      ...(trials.unpinned ? { unpinned: trials.unpinned } : {}),
      ...(plan ? { sequential: sequentialDesign(plan, trials, base) } : {}),
      warmup: warmupDesign(base.config.ab, trials.warmups),
      ...(base.config.ab.trialsPerBoot > 1 ? { trialsPerBoot: base.config.ab.trialsPerBoot } : {}),
    },
    ...neighboursOf(trials.neighbours),
    noise: Object.entries(trials.series).flatMap(([profile, series]) => splitNoise(profile, series) ?? []),
    metrics: paired.metrics,
    warnings: [...paired.warnings, ...sharedRunnerWarning(trials.neighbours)],
  };
  const analysis = analyzeRun({
    profiles: result.profiles,
    configs: base.config.profiles,
    hygiene: new Map(),
    loopbackTarget: isLoopbackUrl(head.config.sut.url),
  });
  result.bottlenecks.push(...analysis.bottlenecks);
  result.suggestions.push(...analysis.suggestions);
  result.notices.push(...analysis.notices);
  return recordRun<P>(
    result,
    [],
    { settings: base, outDir: request.outDir, secrets },
    { logger, env: deps.env, publish: deps.publish },
  );
}

/** Other processes' CPU above this share of a core in some trial: the runner was shared, and the report says so. */
const BUSY_NEIGHBOUR_PERCENT = 25;

/** The trials' neighbour CPU as the comparison keeps it, and a warning when some trial shared the machine. */
function neighboursOf(perTrial: readonly number[]): Pick<Comparison, 'neighbours'> {
  if (perTrial.length === 0) return {};
  const sorted = [...perTrial].sort((a, b) => a - b);
  const medianPercent = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  const maxPercent = sorted.at(-1) ?? 0;
  return { neighbours: { medianPercent, maxPercent, trials: perTrial.length } };
}

function sharedRunnerWarning(perTrial: readonly number[]): string[] {
  const max = Math.max(0, ...perTrial);
  if (max < BUSY_NEIGHBOUR_PERCENT) return [];
  const trial = perTrial.indexOf(max) + 1;
  return [
    `other processes on this machine used up to ${max.toFixed(0)}% of a core (trial ${trial} of ${perTrial.length}) while the A/B ran: the runner was shared, which widens the interval and the MDE; rerun when it is quiet, or with more pairs`,
  ];
}

/** Each checkout's build (its sut.build, or the action's install) before its first trial, not timed. */
async function prepareCheckouts(
  request: AbRequest,
  deps: AbDeps,
  secrets: string[],
  logger: AbDeps['logger'],
): Promise<void> {
  const sides = [
    ['base', request.base],
    ['head', request.head],
  ] as const;
  for (const [side, settings] of sides) {
    await prepareCheckout(settings, {
      command: settings.config.sut.build ?? request.install?.[side],
      what: `${side} checkout`,
      logDir: path.join(request.outDir, 'ab', side),
      env: deps.env,
      secrets,
      signal: deps.signal,
      logger,
    }).catch((e: unknown) => {
      throw maskError(e, secrets);
    });
  }
}

/**
 * A trial's result as the report shows it: a latency or throughput SLO miss is not a failure here
 * (the comparison is the gate), but a missed error-rate limit is, the implicit 5 % ceiling
 * included. Errors are not noise that the pairing cancels: a head and a base that both answer
 * 401 to everything compare as "no change" (issue 14 measured 100 % 401s printed PASS).
 */
export function lastHeadTrial(p: ProfileResult, trialMs: number): ProfileResult {
  const gated = p.status === 'fail' && missedErrorLimit(p.slo.checks);
  const note = `last head trial of the A/B (${trialMs / 1000}s); latency and throughput SLOs are not gated in an A/B, error-rate limits are`;
  const reasons = [...p.reasons, ...(p.warnings ?? [])].map((r) =>
    r.startsWith('SLO') && !(gated && r.includes('error')) ? `${r} (not gated)` : r,
  );
  const { warnings: _notGated, ...rest } = p;
  return { ...rest, status: p.status === 'fail' && !gated ? 'pass' : p.status, reasons: [note, ...reasons] };
}

type AbWarmupDesign = NonNullable<NonNullable<Comparison['design']>['warmup']>;

/** How the trials warmed: the fixed warm-up, or how long warming until steady took. */
function warmupDesign(ab: Settings['config']['ab'], warmups: readonly TrialWarmup[]): AbWarmupDesign {
  if (ab.warmup !== 'auto') return { mode: 'fixed', ms: ab.warmup };
  const ms = warmups.map((w) => w.ms).sort((a, b) => a - b);
  return {
    mode: 'auto',
    medianMs: ms[Math.floor((ms.length - 1) / 2)] ?? 0,
    maxMs: ms.at(-1) ?? 0,
    capMs: ab.maxWarmup,
    unsteady: warmups.filter((w) => !w.steady).length,
    trials: warmups.length,
  };
}

/** What a sequential A/B did: its looks, the pairs it ran, and the alpha its verdicts were tested at. */
function sequentialDesign(plan: SequentialPlan, trials: AbTrials, base: Settings) {
  const ran = pairsRun(trials.pairs);
  return { looks: plan.looks, pairsRun: ran, alpha: alphaAt(plan, ran), minEffect: base.config.ab.minEffect };
}

/**
 * How the A/B compares: at the configured alpha, or (ab.sequential) at each look's share of it,
 * with the looks that may stop the trials early.
 */
function abComparison(base: Settings) {
  const { alpha, minEffect, sequential } = base.config.ab;
  const applied = regressionGatesOf(base);
  const plan = sequential ? sequentialPlan(base.config.ab.pairs, sequential.block, alpha) : undefined;
  const compareAt = (pairs: AbTrials['pairs'], endpointPairs: AbTrials['endpointPairs']) =>
    comparePaired(
      pairs,
      {
        // A sequential A/B tests each look at its share of alpha (compare/sequential.ts).
        alpha: plan ? alphaAt(plan, pairsRun(pairs)) : alpha,
        earlyLook: plan !== undefined && pairsRun(pairs) < (plan.looks.at(-1) ?? 0),
        minEffect,
        gates: applied.gates,
        gateSource: applied.source,
      },
      endpointPairs,
    );
  const looks = plan && {
    at: plan.looks,
    stop: (pairs: AbTrials['pairs'], endpointPairs: AbTrials['endpointPairs']) =>
      decided(compareAt(pairs, endpointPairs).metrics, minEffect),
  };
  return { plan, compareAt, looks, applied };
}
