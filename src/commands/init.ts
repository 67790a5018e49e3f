/**
 * `perfgate init`: the first step on a new project. Looks at the folder (src/init/detect.ts),
 * writes a commented perfgate.yml and the pull-request workflow, and says what to run next. Asks
 * nothing, so it runs the same in a terminal and in CI; never overwrites a file without --force.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, ExitCode } from '../errors.js';
import { detectProject, type ProjectDetection } from '../init/detect.js';
import { renderConfig } from '../init/render-config.js';
import { renderWorkflow } from '../init/render-workflow.js';
import type { Command, CommandIo } from './types.js';

const WORKFLOW_PATH = path.join('.github', 'workflows', 'perfgate.yml');

export const initCommand: Command = {
  name: 'init',
  summary: 'write a commented perfgate.yml and a pull-request workflow for the project here',
  help: `Usage: perfgate init [--dir DIR] [--force]

Looks at the project in the current folder (or DIR) and writes two files there:
  perfgate.yml                        the config, every section commented
  .github/workflows/perfgate.yml      a pull_request workflow running the action in A/B mode

The start command comes from package.json (scripts.start, else main) or a usual file
(server.js, index.js, app.js, src/server.js, src/index.js); the port and a /health or /healthz
route are read from the start file with patterns only (the project's code is never run). The
config marks each value "detected:" (and where) or "default:" (and why). Asks nothing.

Options:
  -d, --dir DIR    the project's folder (default: the current folder)
  -f, --force      overwrite perfgate.yml and the workflow if they exist
  -h, --help       show this help

Exit codes: 0 written, 2 a file exists (without --force) or DIR is not a folder.`,
  async run(io) {
    const { values } = parseArgs({
      args: io.argv,
      options: {
        dir: { type: 'string', short: 'd' },
        force: { type: 'boolean', short: 'f', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const dir = path.resolve(io.cwd, values.dir ?? '.');
    await assertFolder(dir, values.dir ?? '.');
    const detection = await detectProject(dir);
    const files = [
      { file: path.join(dir, 'perfgate.yml'), text: renderConfig(detection) },
      { file: path.join(dir, WORKFLOW_PATH), text: renderWorkflow(detection) },
    ];
    // Relative to where the user is, unless that climbs out of it.
    const shown = (file: string) => {
      const rel = path.relative(io.cwd, file);
      return rel && !rel.startsWith('..') ? rel : file;
    };
    if (!values.force)
      await refuseExisting(
        files.map((f) => f.file),
        shown,
      );
    for (const { file, text } of files) {
      await mkdir(path.dirname(file), { recursive: true });
      // 'wx' also refuses a file created since the check above.
      await writeFile(file, text, { flag: values.force ? 'w' : 'wx' }).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'EEXIST' ? existsError([shown(file)]) : e;
      });
    }
    report(
      io,
      detection,
      files.map((f) => shown(f.file)),
    );
    return ExitCode.Pass;
  },
};

async function assertFolder(dir: string, given: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new ConfigError(`--dir: ${JSON.stringify(given)} is not a folder; expected the project's folder`);
}

async function refuseExisting(files: string[], shown: (file: string) => string): Promise<void> {
  const existing: string[] = [];
  for (const file of files) if (await stat(file).catch(() => undefined)) existing.push(shown(file));
  if (existing.length) throw existsError(existing);
}

function existsError(existing: string[]): ConfigError {
  const one = existing.length === 1;
  return new ConfigError(
    `${existing.join(' and ')} already exist${one ? 's' : ''}; delete ${one ? 'it' : 'them'}, or use --force to overwrite ${one ? 'it' : 'them'}`,
  );
}

/** What was found on stderr, the files and the next command on stdout. */
function report(io: CommandIo, d: ProjectDetection, written: string[]): void {
  if (d.command.value !== undefined) io.logger.info(`detected: ${d.command.value} (${d.command.from})`);
  for (const [label, f] of [
    [`port ${d.port.value}`, d.port],
    [`health path ${d.healthPath.value}`, d.healthPath],
  ] as const)
    io.logger.info(f.detected ? `detected: ${label} (${f.from})` : `default: ${label} (${f.reason})`);
  if (d.command.value === undefined)
    io.logger.warn(
      `no start command found (${d.command.why}): fill in sut.command in ${written[0]} with the command that starts ` +
        `your server, or start it yourself at http://127.0.0.1:${d.port.value} before perfgate run`,
    );
  for (const file of written) io.stdout(`wrote ${file}`);
  const config = written[0] === 'perfgate.yml' ? '' : ` --config ${written[0]}`;
  io.stdout(`next: npx perfgate run${config}`);
}
