import path from 'node:path';
import { parseArgs } from 'node:util';
import { assertOutputFolder } from '../config/out-dir.js';
import { loadSettings } from '../config/read.js';
import { ConfigError } from '../errors.js';
import { exitCodeForStatus } from '../verdict/status.js';
import { gitContext, runnerContext } from '../run/context.js';
import { createLoadRunner } from '../load/index.js';
import type { LoadRunner } from '../load/types.js';
import { openBaselineStore } from '../baseline/index.js';
import { formatComparisonTable } from '../compare/format.js';
import { isPullRequestEvent, reviewAgainstRef } from '../compare/review.js';
import { executeRun } from '../run/index.js';
import { parseStartAt } from '../run/start-at.js';
import { parseShard, shardConfig } from '../shard/split.js';
import { startSut } from '../sut/index.js';
import { formatConsoleSummary, formatVerdictLine } from '../report/console.js';
import { commandLogger, reportWritten } from './quiet.js';
import type { Command } from './types.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'boot the SUT, run the profiles, write result.json and the reports',
  help: `Usage: perfgate run [options]

Boots the system under test (sut.command), waits until it is healthy, runs every profile of
the config, tears the SUT's whole process tree down, and writes result.json, report.md and
report.html to the output folder.

Options:
  -c, --config FILE     perfgate.yml to use (default: ./perfgate.yml)
  -o, --out DIR         output folder (default: ./perfgate-report)
  -p, --profile NAME    run only this profile (repeatable)
      --no-html         do not write report.html
      --baseline DIR|auto  compare with the stored baseline (a folder, or auto: the
                        config's baseline store); saves the result on push/schedule
                        of the default branch in GitHub Actions, and to the current
                        branch's own history on every run outside Actions
      --shard i/n       run 1/n of every profile's load (rate or users), for spreading
                        load over n runners; combine with perfgate merge
      --start-at TIME   ISO time at which to start the load (after the SUT is ready), so
                        that shards on several runners overlap
      --base-ref REF    base branch (default: $GITHUB_BASE_REF): its baseline history,
                        and its gates/SLOs when this change edits them
  -q, --quiet           print only the verdict line and the paths written (one per line,
                        on stdout); warnings and errors still go to stderr
  -v, --verbose         print debug messages
  -h, --help            show this help

Exit codes: 0 pass (or inconclusive), 1 a gate failed, 2 usage or config error,
3 the SUT or the environment failed (did not start, crashed, port taken).`,
  async run(io) {
    const { values } = parseArgs({
      args: io.argv,
      options: {
        config: { type: 'string', short: 'c', default: 'perfgate.yml' },
        out: { type: 'string', short: 'o', default: 'perfgate-report' },
        profile: { type: 'string', short: 'p', multiple: true },
        'no-html': { type: 'boolean', default: false },
        baseline: { type: 'string' },
        shard: { type: 'string' },
        'start-at': { type: 'string' },
        'base-ref': { type: 'string' },
        quiet: { type: 'boolean', short: 'q', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const logger = commandLogger(io.logger, values);
    const baseRef = values['base-ref'] ?? (io.env.GITHUB_BASE_REF || undefined);
    // A pull request, or a run told its base: review findings fail it (gates.review).
    const pullRequest = values['base-ref'] !== undefined || isPullRequestEvent(io.env.GITHUB_EVENT_NAME);
    const settingsAtHead = await loadSettings(path.resolve(io.cwd, values.config), io.env);
    const review = reviewAgainstRef(settingsAtHead, baseRef, { pullRequest, env: io.env });
    const shard = values.shard !== undefined ? parseShard(values.shard) : undefined;
    const settings = shard
      ? { ...review.settings, config: shardConfig(review.settings.config, shard) }
      : review.settings;
    const startAt = values['start-at'] !== undefined ? parseStartAt(values['start-at']) : undefined;
    const outDir = path.resolve(io.cwd, values.out);
    if (outDir === settings.dir)
      throw new ConfigError(
        `--out: ${JSON.stringify(values.out)} is the config's own folder; expected a separate output folder such as perfgate-report`,
      );
    await assertOutputFolder(values.out, outDir);
    const store =
      values.baseline !== undefined ? openBaselineStore(settings, values.baseline, io.cwd, { env: io.env }) : undefined;
    const { result, outputs } = await executeRun(
      {
        settings,
        outDir,
        context: { git: gitContext(io.env, settings.dir), runner: runnerContext(io.env) },
        only: values.profile,
        notices: review.notices,
        reviewProblems: review.problems,
        startAt,
        baseline: store ? { store, baseRef } : undefined,
        html: !values['no-html'] && settings.config.report.html,
      },
      {
        logger,
        loadRunner: shard
          ? keepingSecondHistograms(createLoadRunner(settings.config.engine))
          : createLoadRunner(settings.config.engine),
        startSut,
        env: io.env,
        signal: io.signal,
      },
    );
    if (values.quiet) io.stdout(formatVerdictLine(result));
    else io.stdout(formatConsoleSummary(result));
    if (result.comparison && !values.quiet) io.stdout(formatComparisonTable(result.comparison));
    if (result.sut.logTail && result.status === 'error')
      logger.error(`last lines of the SUT's output:\n${result.sut.logTail}`);
    reportWritten({ ...io, logger }, outputs, values.quiet);
    return exitCodeForStatus(result.status);
  },
};

/** A shard keeps each second's histogram, so that `perfgate merge` gives exact per-second percentiles. */
function keepingSecondHistograms(runner: LoadRunner): LoadRunner {
  return { run: (options) => runner.run({ ...options, secondHistograms: true }) };
}
