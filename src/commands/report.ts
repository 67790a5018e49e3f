import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';
import { writeRunOutputs } from '../report/write.js';
import { readUntrustedResult } from './publish.js';
import type { Command } from './types.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'rebuild report.md and report.html from a stored result.json',
  help: `Usage: perfgate report --result DIR [--out DIR]

Reads result.json (validated against the result schema, like every stored result) and writes
report.md and report.html next to it, or into --out. Works for results imported from JMeter too.

Options:
  -r, --result DIR   folder holding result.json (or the file itself)
  -o, --out DIR      where to write the reports (default: the result's folder)
      --no-html      write report.md only
  -h, --help         show this help

Exit codes: 0 written, 2 usage error, 3 unreadable or invalid result.`,
  async run(io) {
    const { values } = parseArgs({
      args: io.argv,
      options: {
        result: { type: 'string', short: 'r' },
        out: { type: 'string', short: 'o' },
        'no-html': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.result) throw new ConfigError('--result: missing; expected the folder that holds result.json');
    const where = path.resolve(io.cwd, values.result);
    const result = await readUntrustedResult(where);
    const outDir = values.out
      ? path.resolve(io.cwd, values.out)
      : where.endsWith('.json')
        ? path.dirname(where)
        : where;
    const t0 = performance.now();
    const outputs = await writeRunOutputs(result, outDir, { html: !values['no-html'], rewriteResult: false });
    io.logger.info(
      `wrote ${path.relative(io.cwd, outputs.reportPath)}${outputs.htmlPath ? `, ${path.relative(io.cwd, outputs.htmlPath)}` : ''} in ${Math.round(performance.now() - t0)} ms`,
    );
    return 0;
  },
};
