import { randomInt } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { assertOutputFolder } from '../config/out-dir.js';
import { loadSettings } from '../config/read.js';
import { formatComparisonTable } from '../compare/format.js';
import { ConfigError } from '../errors.js';
import { exitCodeForStatus } from '../verdict/status.js';
import { checkoutIdentity, gitContext, runnerContext } from '../run/context.js';
import { baseLine } from '../report/headline.js';
import { createLoadRunner } from '../load/index.js';
import { startSut } from '../sut/index.js';
import { executeAb } from '../run/ab.js';
import { commandLogger, reportWritten } from './quiet.js';
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
  -q, --quiet           print only the verdict line and the paths written (one per line,
                        on stdout); warnings and errors still go to stderr
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
        quiet: { type: 'boolean', short: 'q', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const logger = commandLogger(io.logger, values);
    if (!values.base || !values.head)
      throw new ConfigError('--base and --head: both checkouts are required, e.g. perfgate ab --base ../base --head .');
    const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0)
      throw new ConfigError(`--seed: ${JSON.stringify(values.seed)} is not a seed; expected a non-negative integer`);
    const outDir = path.resolve(io.cwd, values.out);
    await assertOutputFolder(values.out, outDir);
    const configIn = (dir: string) =>
      path.isAbsolute(values.config) ? values.config : path.resolve(io.cwd, dir, values.config);
    const base = await loadSettings(configIn(values.base), io.env);
    const head = await loadSettings(configIn(values.head), io.env);
    const { result, outputs } = await executeAb(
      {
        base,
        head,
        outDir,
        seed,
        context: { git: gitContext(io.env, head.dir), runner: runnerContext(io.env) },
        only: values.profile,
        baseIdentity: checkoutIdentity(base.dir, `the checkout in --base ${values.base}`),
      },
      { logger, loadRunner: createLoadRunner(head.config.engine), startSut, env: io.env, signal: io.signal },
    );
    if (result.comparison && !values.quiet) {
      const line = baseLine(
        result,
        (t) => t,
        (t) => t,
      );
      if (line) io.stdout(line);
      io.stdout(formatComparisonTable(result.comparison));
    }
    io.stdout(
      `perfgate ab: ${result.status.toUpperCase()}${result.reasons.length ? ` — ${result.reasons.join('; ')}` : ''}`,
    );
    if (!values.quiet) {
      for (const w of result.warnings) io.stdout(`warning: ${w}`);
      for (const n of result.notices) io.stdout(`notice: ${n}`);
    }
    reportWritten({ ...io, logger }, outputs, values.quiet);
    return exitCodeForStatus(result.status);
  },
};
