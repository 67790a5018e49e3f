import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, DataError } from '../errors.js';
import { worstStatus } from '../verdict/status.js';
import { jtlProfile, parseJtl, readJtl, type JtlSample } from '../jmeter/jtl.js';
import type { RunResult } from '../model/result.js';
import { writeRunOutputs } from '../report/write.js';
import { formatConsoleSummary } from '../report/console.js';
import { newRunResult } from '../run/frame.js';
import type { Command } from './types.js';

export const importCommand: Command = {
  name: 'import',
  summary: 'turn a JMeter JTL (CSV or XML) into a perfgate result and report',
  help: `Usage: perfgate import jtl FILE [--out DIR] [--name NAME]

Reads a JMeter results file (CSV with or without a header, or XML) and writes result.json,
report.md and report.html, so that baselines, comparisons and reports work for JMeter runs too.
One profile holds every sample; when the plan has several labels (samplers), each label gets
its own profile as well, like the rows of JMeter's aggregate report.

Options:
  -o, --out DIR     output folder (default: ./perfgate-report)
  -n, --name NAME   name of the overall profile (default: the file's name)
      --no-html     do not write report.html
  -h, --help        show this help

Exit codes: 0 written, 2 usage error, 3 unreadable JTL.`,
  async run(io) {
    const { values, positionals } = parseArgs({
      args: io.argv,
      options: {
        out: { type: 'string', short: 'o', default: 'perfgate-report' },
        name: { type: 'string', short: 'n' },
        'no-html': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    const [format, file] = positionals;
    if (format !== 'jtl' || !file)
      throw new ConfigError(
        `import: expected "perfgate import jtl FILE"; got ${JSON.stringify(positionals.join(' '))}`,
      );
    const abs = path.resolve(io.cwd, file);
    let samples: JtlSample[];
    try {
      samples = await readJtl(abs);
    } catch (e) {
      if (e instanceof DataError) throw e;
      throw new DataError(`import: cannot read ${abs} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const name = values.name ?? path.basename(abs).replace(/\.(jtl|csv|xml)$/i, '');
    const result = resultFromSamples(samples, abs, name);
    const outputs = await writeRunOutputs(result, path.resolve(io.cwd, values.out), { html: !values['no-html'] });
    io.stdout(formatConsoleSummary(result));
    io.logger.info(
      `imported ${result.profiles[0]?.requests.total ?? 0} samples into ${path.relative(io.cwd, outputs.resultPath)}`,
    );
    return 0;
  },
};

export function resultFromJtl(text: string, file: string, name: string): RunResult {
  return resultFromSamples(parseJtl(text, file), file, name);
}

function resultFromSamples(samples: readonly JtlSample[], file: string, name: string): RunResult {
  // One pass by label, in order of first appearance (filtering per label rescans every sample).
  const byLabel = new Map<string, JtlSample[]>();
  for (const s of samples) {
    const list = byLabel.get(s.label);
    if (list) list.push(s);
    else byLabel.set(s.label, [s]);
  }
  const profiles = [
    jtlProfile(name, samples),
    ...(byLabel.size > 1 ? [...byLabel].map(([l, list]) => jtlProfile(`${name} · ${l}`, list)) : []),
  ];
  const first = profiles[0];
  const started = first?.startedAt ?? new Date().toISOString();
  const finishedMs = Date.parse(started) + (first?.durationSec ?? 0) * 1000;
  const result = newRunResult({
    startedAt: new Date(started),
    finishedAt: new Date(finishedMs),
    configPath: file,
    git: {},
    runner: { ci: false },
    sut: { url: `jmeter:${path.basename(file)}` },
    notices: ['imported from a JMeter JTL: latencies are whole milliseconds (JMeter’s precision)'],
  });
  result.status = worstStatus(profiles.map((p) => p.status));
  result.reasons = profiles.flatMap((p) => p.reasons.map((r) => `${p.name}: ${r}`));
  result.profiles = profiles;
  return result;
}
