/**
 * perfgate run from a test the way a user runs it: a perfgate.yml in a folder, the CLI, then
 * result.json. In-process (`runCli`: `main` with stdout and the log captured, so nothing reaches
 * the test output) unless the test needs a real process — the stderr format, a signal, several
 * perfgates at once — then `spawnCli` / `startCli` start `node --import tsx src/cli.ts`.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { main } from '../../src/cli.js';
import type { Logger } from '../../src/log/logger.js';
import { runResultSchema, type RunResult } from '../../src/model/result.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(ROOT, 'src', 'cli.ts');
// By file URL, so that a child started in a temp folder finds tsx too.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface CliRun {
  code: number;
  /** What the command printed to stdout, one line per call. */
  stdout: string;
  /** Every info, warning and error line, warnings and errors with their prefix. */
  log: string;
  /** The error lines only. */
  errors: string;
}

export interface CliOptions {
  /** The command's folder (default: the test process's). */
  cwd?: string;
  /** The environment the command reads (default: process.env). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Writes `yaml` as dir/perfgate.yml (or dir/`name`) and answers its path. */
export async function writeConfig(dir: string, yaml: string, name = 'perfgate.yml'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, yaml);
  return file;
}

/** `perfgate <argv>` in this process. */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<CliRun> {
  const stdout: string[] = [];
  const log: string[] = [];
  const errors: string[] = [];
  const logger: Logger = {
    info: (m) => log.push(m),
    warn: (m) => log.push(`warning: ${m}`),
    error: (m) => {
      log.push(`error: ${m}`);
      errors.push(m);
    },
    debug: () => {},
    progress: () => {},
  };
  const code = await main(argv, { ...options, logger, stdout: (t) => void stdout.push(t) });
  return { code, stdout: stdout.map((t) => t + '\n').join(''), log: log.join('\n'), errors: errors.join('\n') };
}

/** result.json of an --out folder, validated by the result schema. */
export async function readResult(outDir: string): Promise<RunResult> {
  return runResultSchema.parse(JSON.parse(await readFile(path.join(outDir, 'result.json'), 'utf8')));
}

/**
 * The common case: `yaml` written to dir/perfgate.yml, `perfgate run --config … --out dir/out
 * <args>` in this process, and the result.json it wrote (undefined when it wrote none).
 */
export async function runConfig(
  dir: string,
  yaml: string,
  options: CliOptions & { args?: string[]; out?: string } = {},
): Promise<CliRun & { result: RunResult | undefined; out: string }> {
  const { args = [], out = path.join(dir, 'out'), ...io } = options;
  const config = await writeConfig(dir, yaml);
  const run = await runCli(['run', '--config', config, '--out', out, ...args], { cwd: dir, ...io });
  const result = await readResult(out).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  return { ...run, result, out };
}

/** `perfgate <argv>` as its own process (stdin closed, stdout and stderr piped). */
export function startCli(
  argv: string[],
  options: Omit<CliOptions, 'signal'> = {},
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ['--import', TSX, CLI, ...argv], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `perfgate <argv>` as its own process, to its exit; killed (SIGKILL) after `timeoutMs`. */
export function spawnCli(
  argv: string[],
  options: Omit<CliOptions, 'signal'> & { timeoutMs?: number } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = startCli(argv, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
