/**
 * The action's front door as the runner starts it: `node src/index.ts` (through tsx, or a given
 * bundle) in the workspace, with INPUT_* variables, an event payload, and GITHUB_OUTPUT /
 * GITHUB_STEP_SUMMARY files that are read back afterwards.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ActionRun {
  code: number | null;
  /** The GITHUB_OUTPUT file. */
  outputs: string;
  /** The job summary (GITHUB_STEP_SUMMARY). */
  summary: string;
  /** stdout and stderr together, as the runner's log shows them. */
  stdout: string;
}

export interface ActionOptions {
  /** The workspace (GITHUB_WORKSPACE and the working directory); perfgate.yml is read from it. */
  dir: string;
  event: string;
  payload?: unknown;
  /** Inputs besides config (perfgate.yml), working-directory (.), out (out) and github-token. */
  inputs?: Record<string, string>;
  /** The fake GitHub's URL (GITHUB_API_URL), when the run publishes. */
  apiUrl?: string;
  /** Merged last: overrides anything above. */
  env?: NodeJS.ProcessEnv;
  /** A bundle to run with plain node instead of src/index.ts through tsx. */
  bundle?: string;
  /** Send `signal` once the log matches `when` (the runner's cancel: SIGINT). */
  interrupt?: { when: RegExp; signal: NodeJS.Signals };
}

export async function runAction(options: ActionOptions): Promise<ActionRun> {
  const { dir } = options;
  const files = {
    event: path.join(dir, 'event.json'),
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary'),
  };
  await writeFile(files.event, JSON.stringify(options.payload ?? {}));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '42',
    RUNNER_TEMP: dir,
    ...(options.apiUrl ? { GITHUB_API_URL: options.apiUrl } : {}),
    INPUT_CONFIG: 'perfgate.yml',
    'INPUT_WORKING-DIRECTORY': '.',
    INPUT_OUT: 'out',
    'INPUT_GITHUB-TOKEN': 'ghs_faketoken',
    ...Object.fromEntries(Object.entries(options.inputs ?? {}).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...options.env,
  };
  const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const args = options.bundle ? [options.bundle] : ['--import', tsx, path.join(ROOT, 'src/index.ts')];
  const child = spawn(process.execPath, args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let interrupted = false;
  const onData = (d: Buffer) => {
    stdout += d.toString();
    if (options.interrupt && !interrupted && options.interrupt.when.test(stdout)) {
      interrupted = true;
      child.kill(options.interrupt.signal);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return {
    code,
    outputs: await readFile(files.output, 'utf8'),
    summary: await readFile(files.summary, 'utf8'),
    stdout,
  };
}
