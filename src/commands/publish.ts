import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configSchema } from '../config/schema.js';
import { loadSettings } from '../config/read.js';
import { ConfigError, DataError, ExitCode } from '../errors.js';
import { runResultSchema, type RunResult } from '../model/result.js';
import { createGitHubClient } from '../publish/client.js';
import { readRunEvent } from '../publish/event.js';
import { publishToGitHub } from '../publish/index.js';
import type { Command } from './types.js';

/** An artifact's result.json is untrusted input: bounded in size and validated before use. */
const MAX_RESULT_BYTES = 20 * 1024 * 1024;

export const publishCommand: Command = {
  name: 'publish',
  summary: 'post a stored result.json as the sticky PR comment (for workflow_run on fork PRs)',
  help: `Usage: perfgate publish --result DIR [options]

Posts (or updates) perfgate's sticky comment on a pull request from a result that another
workflow produced. Made for the fork-safe pattern: the pull_request workflow (read-only token)
uploads its output folder as an artifact; a workflow_run workflow with write permission downloads
it and runs this command. The artifact is treated as untrusted input: its size is bounded, it is
validated against the result schema, and every text in it is escaped in the comment.

Options:
  -r, --result DIR      folder holding result.json (or the file itself)
      --pr N            pull request number (default: from the workflow_run event, else the
                        pull request whose head is the event's head SHA)
  -c, --config FILE     perfgate.yml for the report and alerts settings (read from your
                        trusted checkout, never from the artifact); default: built-in defaults
      --token-env NAME  environment variable with the token (default: GITHUB_TOKEN)
  -h, --help            show this help

Exit codes: 0 posted (or nothing to post), 2 usage error, 3 unreadable or invalid result.`,
  async run(io) {
    const { values } = parseArgs({
      args: io.argv,
      options: {
        result: { type: 'string', short: 'r' },
        pr: { type: 'string' },
        config: { type: 'string', short: 'c' },
        'token-env': { type: 'string', default: 'GITHUB_TOKEN' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.result) throw new ConfigError('--result: missing; expected the folder that holds result.json');
    const result = await readUntrustedResult(path.resolve(io.cwd, values.result));
    const config = values.config
      ? (await loadSettings(path.resolve(io.cwd, values.config), io.env)).config
      : configSchema.parse({ version: 1, sut: { url: 'http://127.0.0.1' }, profiles: [{ name: 'x', kind: 'load' }] });
    const token = io.env[values['token-env']];
    if (!token)
      throw new ConfigError(
        `--token-env: $${values['token-env']} is empty; expected a token with pull-requests: write`,
      );
    let pr = values.pr !== undefined ? Number(values.pr) : undefined;
    if (pr !== undefined && !(Number.isInteger(pr) && pr > 0))
      throw new ConfigError(`--pr: ${JSON.stringify(values.pr)} is not a pull request number`);
    pr ??= await findPullRequest(token, io.env);
    if (pr === undefined) {
      io.logger.warn(
        'no pull request found for this run (no --pr, none in the event, none with this head SHA): nothing to post',
      );
      return ExitCode.Pass;
    }
    const outcome = await publishToGitHub(result, {
      token,
      env: io.env,
      report: config.report,
      alerts: { ...config.alerts, issues: false },
      logger: io.logger,
      pullNumber: pr,
    });
    for (const n of outcome.notices) io.logger.warn(n);
    return ExitCode.Pass;
  },
};

export async function readUntrustedResult(where: string): Promise<RunResult> {
  const file = where.endsWith('.json') ? where : path.join(where, 'result.json');
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    throw new DataError(
      `--result: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a perfgate output folder`,
    );
  }
  if (size > MAX_RESULT_BYTES)
    throw new DataError(`--result: ${file} is ${size} bytes, over the ${MAX_RESULT_BYTES}-byte limit for a result`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new DataError(`--result: ${file} is not valid JSON (${(e as Error).message})`);
  }
  const parsed = runResultSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new DataError(
      `--result: ${file} is not a perfgate result (schemaVersion 1): ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}`,
    );
  }
  return parsed.data;
}

/** In workflow_run, `pull_requests` is empty for forks: find the PR by the head SHA instead. */
async function findPullRequest(token: string, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const event = readRunEvent(env);
  if (event.pullNumber) return event.pullNumber;
  if (!event.owner || !event.repo || !event.headSha) return undefined;
  const client = createGitHubClient(token, env);
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: event.owner,
    repo: event.repo,
    commit_sha: event.headSha,
  });
  return data.find((p) => p.state === 'open')?.number;
}
