/**
 * The action's `mode: ab`: the recommended pull-request gate in one step. Finds the base (the
 * merge base of the pull request, or `base-ref`), checks it out into a temporary worktree,
 * installs what each checkout lacks, runs the same-runner A/B with the base's profiles, gates
 * and `ab` settings (a pull request cannot loosen its own gate), publishes, and removes the
 * worktree afterwards, also on failure and cancellation.
 */
import { randomInt } from 'node:crypto';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../config/read.js';
import type { Settings } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { readRunEvent } from '../publish/event.js';
import { executeAb } from '../run/ab.js';
import type { PublishStep, RunDeps, RunOutcome } from '../run/index.js';
import type { ActionSettings } from './inputs.js';
import { addWorktree, checkoutRoot, resolveBase } from './base.js';
import { gitContext, runnerContext } from '../run/context.js';

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * The install step of a checkout whose config sets no sut.build: `npm ci` (or the lockfile's
 * tool) where a package.json has no node_modules beside it. A base without its dependencies
 * would fail to boot, or boot a different program; the head is the workflow's own checkout,
 * usually installed by an earlier step, and is treated the same when it is not.
 */
export async function installCommandFor(settings: Settings, root: string): Promise<string | undefined> {
  if (settings.config.sut.build || !settings.config.sut.command) return undefined;
  const cwd = path.resolve(settings.dir, settings.config.sut.cwd);
  let dir = cwd;
  for (;;) {
    if (await exists(path.join(dir, 'package.json'))) {
      if (await exists(path.join(dir, 'node_modules'))) return undefined;
      const has = (f: string) => exists(path.join(dir, f));
      const tool = (await has('pnpm-lock.yaml'))
        ? 'pnpm install --frozen-lockfile'
        : (await has('yarn.lock'))
          ? 'yarn install --frozen-lockfile'
          : (await has('package-lock.json')) || (await has('npm-shrinkwrap.json'))
            ? 'npm ci'
            : 'npm install';
      return dir === cwd ? tool : `cd ${shellQuote(dir)} && ${tool}`;
    }
    const up = path.dirname(dir);
    if (dir === root || up === dir || path.relative(root, up).startsWith('..')) return undefined;
    dir = up;
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export async function runAbMode<P extends { notices: string[] }>(
  inputs: ActionSettings,
  head: Settings,
  deps: Omit<RunDeps<P>, 'publish'> & { publish: PublishStep<P>; logger: Logger },
): Promise<RunOutcome<P>> {
  const env = deps.env;
  const event = readRunEvent(env);
  const root = await checkoutRoot(inputs.workingDirectory);
  const base = await resolveBase(root, event, inputs.baseRef, deps.logger);
  deps.logger.info(`A/B base: ${base.sha.slice(0, 12)}${base.ref ? ` (${base.ref})` : ''}, ${base.how}`);
  const worktree = await addWorktree(root, base.sha, env.RUNNER_TEMP || os.tmpdir());
  // An interrupt aborts the run, which then unwinds through this finally.
  try {
    const relativeConfig = path.relative(root, head.path);
    const baseConfig = path.join(worktree.dir, relativeConfig);
    const notices: string[] = [];
    if (!(await exists(baseConfig))) {
      // The pull request that adds perfgate: the base has no gate to keep, so the head's config drives both sides.
      await mkdir(path.dirname(baseConfig), { recursive: true });
      await copyFile(head.path, baseConfig);
      notices.push(
        `the base ${base.sha.slice(0, 7)} has no ${relativeConfig}: both sides ran with the head's config (this pull request adds perfgate, so its gate is its own)`,
      );
    }
    const baseSettings = await loadSettings(baseConfig, env);
    const install = {
      base: await installCommandFor(baseSettings, worktree.dir),
      head: await installCommandFor(head, root),
    };
    const seed = randomInt(2 ** 31);
    return await executeAb<P>(
      {
        base: baseSettings,
        head,
        outDir: inputs.outDir,
        seed,
        context: { git: gitContext(env, head.dir), runner: runnerContext(env) },
        only: inputs.profiles.length ? inputs.profiles : undefined,
        baseIdentity: base,
        install: Object.fromEntries(Object.entries(install).filter(([, c]) => c !== undefined)),
        notices,
      },
      deps,
    );
  } finally {
    await worktree.remove();
  }
}
