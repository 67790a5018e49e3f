import { randomInt } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/load.js';
import { runAbTrials } from '../compare/ab-trials.js';
import { formatComparisonTable } from '../compare/format.js';
import { regressionReasons } from '../compare/regression-gate.js';
import { comparePaired } from '../compare/paired.js';
import { reviewNotice, thresholdChanges } from '../compare/review.js';
import { ConfigError } from '../errors.js';
import { exitCodeForStatus } from '../verdict/status.js';
import { gitContext, runnerContext } from '../run/context.js';
import { createLoadRunner } from '../load/index.js';
import type { RunResult } from '../model/result.js';
import { newRunResult } from '../run/frame.js';
import { writeRunOutputs } from '../report/write.js';
import { startSut } from '../sut/index.js';
import type { Command } from './types.js';

export const abCommand: Command = {
  name: 'ab',
  summary: 'same-runner A/B: base vs head checkout in randomized interleaved trials',
  help: `Usage: perfgate ab --base DIR --head DIR [options]

Boots the base and the head checkout's SUT in turn (never both at once) and runs the load
profiles in short trials, in pairs of randomized order (ab.pairs, ab.trialDuration,
ab.warmup). Then a paired Wilcoxon signed-rank test on the per-pair log ratios, a
Hodges–Lehmann estimate with its interval, Holm's correction across metrics, and the minimum
detectable effect of this run's noise. gates.regression fails the run on a significant change
past its threshold. The profiles, gates and ab settings come from the base checkout's config:
a pull request cannot change its own gate (the report lists such changes for review).

Options:
  -c, --config FILE     config path inside each checkout (default: perfgate.yml)
      --base DIR        the base checkout (required)
      --head DIR        the head checkout (required)
  -o, --out DIR         output folder (default: ./perfgate-ab)
  -p, --profile NAME    run only this load profile (repeatable)
      --seed N          seed of the trial order (default: random, printed)
  -v, --verbose         print debug messages
  -h, --help            show this help

Exit codes: 0 pass, 1 a regression past a gate, 2 usage or config error, 3 a SUT failed.`,
  async run(io) {
    const { values } = parseArgs({
      args: io.argv,
      options: {
        config: { type: 'string', short: 'c', default: 'perfgate.yml' },
        base: { type: 'string' },
        head: { type: 'string' },
        out: { type: 'string', short: 'o', default: 'perfgate-ab' },
        profile: { type: 'string', short: 'p', multiple: true },
        seed: { type: 'string' },
        verbose: { type: 'boolean', short: 'v', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.base || !values.head) throw new ConfigError('--base and --head: both checkouts are required, e.g. perfgate ab --base ../base --head .');
    const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new ConfigError(`--seed: ${JSON.stringify(values.seed)} is not a seed; expected a non-negative integer`);
    const configIn = (dir: string) => (path.isAbsolute(values.config) ? values.config : path.resolve(io.cwd, dir, values.config));
    const base = await loadSettings(configIn(values.base));
    const head = await loadSettings(configIn(values.head));
    const outDir = path.resolve(io.cwd, values.out);
    const started = new Date();

    const trials = await runAbTrials(
      { base, head, outDir, seed, ...(values.profile ? { only: values.profile } : {}) },
      { logger: io.logger, loadRunner: createLoadRunner(), startSut, signal: io.signal },
    );
    const { alpha, minEffect } = base.config.ab;
    const paired = comparePaired(trials.pairs, { alpha, minEffect, gates: base.config.gates.regression ?? {} });
    const changes = thresholdChanges(base, head);
    const result: RunResult = {
      ...newRunResult({
        startedAt: started,
        finishedAt: new Date(),
        configPath: head.path,
        git: gitContext(io.env, head.dir),
        runner: runnerContext(io.env),
        sut: { url: head.config.sut.url, ...(head.config.sut.command ? { command: head.config.sut.command } : {}) },
        notices: changes.length ? [reviewNotice(changes)] : [],
      }),
      profiles: trials.lastHead.map((p) => ({ ...p, status: 'pass', reasons: [`last head trial of the A/B (${base.config.ab.trialDuration / 1000}s); SLOs are not gated in an A/B`] })),
      comparison: {
        method: 'ab',
        metrics: paired.metrics,
        warnings: [...paired.warnings, `seed ${seed}; order ${trials.order.map((s) => s[0]).join('')} (b = base, h = head); ${Math.round(trials.loadMs / 1000)}s of load`],
      },
    };
    result.reasons = regressionReasons(result.comparison!);
    if (result.reasons.length) result.status = 'fail';
    const outputs = await writeRunOutputs(result, outDir, { html: base.config.report.html });
    io.stdout(formatComparisonTable(result.comparison!));
    io.stdout(`perfgate ab: ${result.status.toUpperCase()}${result.reasons.length ? ` — ${result.reasons.join('; ')}` : ''}`);
    for (const n of result.notices) io.stdout(`notice: ${n}`);
    io.logger.info(`wrote ${path.relative(io.cwd, outputs.resultPath)}`);
    return exitCodeForStatus(result.status);
  },
};
