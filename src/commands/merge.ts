import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';
import { exitCodeForStatus } from '../verdict/status.js';
import { writeRunOutputs } from '../report/write.js';
import { mergeResults } from '../shard/merge.js';
import { formatConsoleSummary } from '../report/console.js';
import { readUntrustedResult } from './publish.js';
import type { Command } from './types.js';

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'combine the results of `run --shard i/n` into one result and report',
  help: `Usage: perfgate merge DIR... --out DIR

Combines the result.json of each shard (a folder or the file) into one result, exactly:
latency histograms are added and percentiles read from the sum, counts and rates are summed,
timelines are aligned by wall clock, and each profile's SLO is checked again on the merged
numbers. Writes result.json, report.md and report.html to --out.

Options:
  -o, --out DIR     output folder (default: ./perfgate-report)
      --no-html     do not write report.html
  -h, --help        show this help

Exit codes: as for run (0 pass, 1 a gate failed, 2 usage error, 3 unreadable result or error).`,
  async run(io) {
    const { values, positionals } = parseArgs({
      args: io.argv,
      options: {
        out: { type: 'string', short: 'o', default: 'perfgate-report' },
        'no-html': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length < 1)
      throw new ConfigError('merge: no result folders given; expected one or more folders with a result.json');
    const results = [];
    for (const p of positionals) results.push(await readUntrustedResult(path.resolve(io.cwd, p)));
    const merged = mergeResults(results);
    const outDir = path.resolve(io.cwd, values.out);
    const outputs = await writeRunOutputs(merged, outDir, { html: !values['no-html'] });
    io.stdout(formatConsoleSummary(merged));
    io.logger.info(`merged ${results.length} results into ${path.relative(io.cwd, outputs.resultPath)}`);
    return exitCodeForStatus(merged.status);
  },
};
