/**
 * `perfgate init`'s look at a project folder: how the server starts (package.json scripts.start,
 * then main, then a usual file name), the port, a health route, and how the workflow installs
 * dependencies. Each value says whether it was found (and where) or is a default (and why), so
 * that the written config can tell a newcomer which lines to check.
 */
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { portSetByScript, SCAN_LIMIT_BYTES, scanSource, type SourceScan } from './scan.js';

/** A value read from the project (`from`: where), or chosen because nothing was found (`reason`). */
export type Finding<T> = { value: T; detected: true; from: string } | { value: T; detected: false; reason: string };

export interface ProjectDetection {
  /** package.json's name, else the folder's: named in the config's first line. */
  name: string;
  /** How to start the server; undefined when nothing runnable was found (`why` says what was looked for). */
  command: { value: string; from: string } | { value: undefined; why: string };
  port: Finding<number>;
  /** The start file reads process.env.PORT (its path): the config sets sut.env.PORT to the port. */
  portEnvReadBy?: string;
  healthPath: Finding<string>;
  /** The workflow's install step; undefined without a package.json. */
  install?: 'npm ci' | 'npm install';
}

/** The default port of Express's, Fastify's and Next's examples, and of most tutorials. */
const DEFAULT_PORT = 3000;

/** Usual entry points, in the order they are tried when package.json names none. */
const COMMON_FILES = ['server', 'index', 'app', 'src/server', 'src/index'].flatMap((base) =>
  ['js', 'mjs', 'cjs'].map((ext) => `${base}.${ext}`),
);

interface PackageJson {
  name?: unknown;
  main?: unknown;
  scripts?: { start?: unknown };
}

interface StartPoint {
  command: string;
  from: string;
  /** The file whose text is scanned for the port and health route (relative to the project). */
  file?: string;
  /** `PORT=4000 node …` in the start script. */
  scriptPort?: number;
}

export async function detectProject(dir: string): Promise<ProjectDetection> {
  const pkg = await readPackageJson(dir);
  const start = await findStartPoint(dir, pkg);
  const scan: SourceScan = start?.file
    ? scanSource(await readHead(path.join(dir, start.file)))
    : { readsPortEnv: false };
  const notFound = (what: string) => (start?.file ? `no ${what} found in ${start.file}` : 'no start file to read');
  return {
    name: typeof pkg?.name === 'string' && pkg.name ? pkg.name : path.basename(path.resolve(dir)),
    command: start
      ? { value: start.command, from: start.from }
      : {
          value: undefined,
          why: `no package.json scripts.start or main, and none of ${COMMON_FILES.filter((f) => f.endsWith('.js')).join(', ')} (or .mjs, .cjs)`,
        },
    port:
      start?.scriptPort !== undefined
        ? { value: start.scriptPort, detected: true, from: `package.json scripts.start sets PORT=${start.scriptPort}` }
        : scan.port
          ? { value: scan.port.value, detected: true, from: `${start?.file}: ${scan.port.match}` }
          : { value: DEFAULT_PORT, detected: false, reason: notFound('listen() port') },
    // A PORT set in the script itself wins over sut.env, so setting it there would only mislead.
    portEnvReadBy: scan.readsPortEnv && start?.scriptPort === undefined ? start?.file : undefined,
    healthPath: scan.healthPath
      ? { value: scan.healthPath, detected: true, from: `"${scan.healthPath}" appears in ${start?.file}` }
      : { value: '/', detected: false, reason: notFound('/health or /healthz route') },
    install: await installStep(dir, pkg),
  };
}

async function readPackageJson(dir: string): Promise<PackageJson | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'package.json'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      `package.json: not valid JSON (${(e as Error).message}); fix it, then run perfgate init again`,
    );
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as PackageJson) : {};
}

async function findStartPoint(dir: string, pkg: PackageJson | undefined): Promise<StartPoint | undefined> {
  const script = pkg?.scripts?.start;
  if (typeof script === 'string' && script.trim()) {
    return {
      command: 'npm start',
      from: 'package.json scripts.start',
      file: await fileOfScript(dir, script),
      scriptPort: portSetByScript(script),
    };
  }
  if (typeof pkg?.main === 'string' && pkg.main) {
    // Node resolves "main": "server" to server.js too.
    for (const file of [pkg.main, `${pkg.main}.js`]) {
      const rel = await projectFile(dir, file);
      if (rel) return { command: `node ${shellWord(rel)}`, from: 'package.json main', file: rel };
    }
  }
  for (const file of COMMON_FILES) {
    if (await projectFile(dir, file)) return { command: `node ${file}`, from: `${file} exists`, file };
  }
  return undefined;
}

/** The first word of a start script that names a script file in the project (`node --watch src/server.js`). */
async function fileOfScript(dir: string, script: string): Promise<string | undefined> {
  for (const word of script.split(/\s+/)) {
    const unquoted = word.replace(/^['"]|['"]$/g, '');
    if (!unquoted || unquoted.startsWith('-') || unquoted.includes('=')) continue;
    // A JavaScript or TypeScript file, or a file without extension such as express-generator's bin/www.
    if (!/\.[cm]?[jt]s$/.test(unquoted) && path.extname(unquoted) !== '') continue;
    const rel = await projectFile(dir, unquoted);
    if (rel) return rel;
  }
  return undefined;
}

/** `file` relative to the project (with /), if it is a regular file inside it. */
async function projectFile(dir: string, file: string): Promise<string | undefined> {
  const root = path.resolve(dir);
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const info = await stat(abs).catch(() => undefined);
  return info?.isFile() ? rel.split(path.sep).join('/') : undefined;
}

/** The first SCAN_LIMIT_BYTES of a file as text. */
async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SCAN_LIMIT_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SCAN_LIMIT_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function installStep(dir: string, pkg: PackageJson | undefined): Promise<ProjectDetection['install']> {
  if (!pkg) return undefined;
  for (const lock of ['package-lock.json', 'npm-shrinkwrap.json']) {
    if (await projectFile(dir, lock)) return 'npm ci';
  }
  return 'npm install';
}

/** A file name as one word of `sh -c`: quoted when it holds anything but plain path characters. */
function shellWord(file: string): string {
  return /^[\w./@+-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}
