import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openBaselineStore } from '../baseline/index.js';
import { trendNotices } from '../baseline/stage.js';
import { baselineWritePermission } from '../baseline/trust.js';
import { loadSettings } from '../config/read.js';
import { ConfigError, DataError, ExitCode } from '../errors.js';
import { runResultSchema, type RunResult } from '../model/result.js';
import type { Command } from './types.js';

const ACTIONS = ['save', 'show', 'list'] as const;

export const baselineCommand: Command = {
  name: 'baseline',
  summary: 'save, show or list stored baselines (save only on trusted events)',
  help: `Usage: perfgate baseline <save|show|list> [options]

  save   store a result.json as the baseline of its commit and branch. In GitHub Actions only
         a push or schedule on the default branch may write; pull requests only read.
  show   print a branch's stored history (oldest first) and any step change in it.
  list   print the branches that have a stored history.

Options:
  -c, --config FILE     perfgate.yml (its baseline section picks the store; default: perfgate.yml)
      --store DIR|auto  a baseline folder, or auto for the config's store (default: auto)
  -r, --result FILE     save: the result to store (default: perfgate-report/result.json)
  -b, --branch NAME     save: override the result's branch; show: the branch (default: main)
      --sha SHA         save: override the result's commit
  -h, --help            show this help

Exit codes: 0 done, 2 usage or config error, 3 unreadable or corrupt baseline data (left untouched),
or saving refused on an untrusted event.`,
  async run(io) {
    const { values, positionals } = parseArgs({
      args: io.argv,
      options: {
        config: { type: 'string', short: 'c', default: 'perfgate.yml' },
        store: { type: 'string', default: 'auto' },
        result: { type: 'string', short: 'r', default: 'perfgate-report/result.json' },
        branch: { type: 'string', short: 'b' },
        sha: { type: 'string' },
        verbose: { type: 'boolean', short: 'v', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    const action = positionals[0];
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]) || positionals.length > 1) {
      throw new ConfigError(
        `baseline: ${JSON.stringify(positionals.join(' '))} is not an action; expected one of ${ACTIONS.join(', ')}`,
      );
    }
    const settings = await loadSettings(path.resolve(io.cwd, values.config), io.env);
    const store = openBaselineStore(settings, values.store, io.cwd, { env: io.env });

    if (action === 'list') {
      const branches = await store.branches();
      if (branches.length === 0) io.stdout(`no baselines in ${store.description}`);
      for (const b of branches) io.stdout(`${b}\t${(await store.history(b)).length} result(s)`);
      return ExitCode.Pass;
    }
    if (action === 'show') {
      const branch = values.branch ?? 'main';
      const history = await store.history(branch);
      if (history.length === 0) {
        io.stdout(`no baseline for branch ${branch} in ${store.description}`);
        return ExitCode.Pass;
      }
      io.stdout(`${history.length} result(s) of ${branch} in ${store.description}, oldest first:`);
      for (const e of history) {
        const profiles = e.result.profiles
          .map(
            (p) =>
              `${p.name} p50 ${p.latency.p50.toFixed(3)}ms p99 ${p.latency.p99.toFixed(3)}ms ${p.throughput.rps.toFixed(1)} req/s`,
          )
          .join(' | ');
        io.stdout(`${e.sha.slice(0, 12)}  ${e.savedAt}  ${e.result.environment.runner}  ${profiles}`);
      }
      for (const n of trendNotices(history)) io.stdout(n);
      return ExitCode.Pass;
    }
    const permission = baselineWritePermission(io.env);
    if (!permission.allowed) throw new DataError(`baseline save refused: ${permission.why}`);
    const file = path.resolve(io.cwd, values.result);
    const result = await readResult(file);
    const sha = values.sha ?? result.git.sha;
    const branch = values.branch ?? result.git.branch;
    if (!sha || !branch)
      throw new ConfigError(
        `${file}: the result has no ${sha ? 'branch' : 'commit'}; pass --${sha ? 'branch' : 'sha'}`,
      );
    if (result.status === 'error')
      throw new DataError(
        `${file}: the run ended in error (${result.reasons[0] ?? 'see the report'}); an errored run is not a baseline`,
      );
    await store.save(
      { sha, branch, savedAt: new Date().toISOString(), event: permission.event, result },
      settings.config.baseline.history,
    );
    io.stdout(
      `saved ${branch} at ${sha.slice(0, 12)} to ${store.description} (keeping the newest ${settings.config.baseline.history})`,
    );
    return ExitCode.Pass;
  },
};

async function readResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new DataError(
      `${file}: cannot read the result (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run perfgate run first or pass --result`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = runResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(
      `${file}: not a perfgate result: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
