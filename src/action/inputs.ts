/**
 * The action's inputs, settled once into a typed object (the pattern of actions/checkout's
 * input-helper). Nothing deeper reads core.getInput or process.env.
 */
import path from 'node:path';
import * as core from '@actions/core';
import { ConfigError } from '../errors.js';
import { COMMENT_POLICIES, type CommentPolicy } from '../publish/index.js';

const INPUTS = {
  config: 'config',
  workingDirectory: 'working-directory',
  out: 'out',
  githubToken: 'github-token',
  baseline: 'baseline',
  allowUntrustedCheckout: 'allow-untrusted-checkout',
  mode: 'mode',
  baseRef: 'base-ref',
  comment: 'comment',
  failOn: 'fail-on',
  profiles: 'profiles',
} as const;

const MODES = ['run', 'ab'] as const;
/** What turns the job red: a regression past a gate, a missed SLO, either (`any`: a `fail` status), or nothing. */
export const FAIL_ON = ['regression', 'slo', 'any', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface ActionSettings {
  workingDirectory: string;
  configPath: string;
  outDir: string;
  githubToken: string | undefined;
  /** Baseline location for `run --baseline` (a folder, or "auto"); undefined = no comparison. */
  baseline: string | undefined;
  allowUntrustedCheckout: boolean;
  /** `run`: measure this checkout; `ab`: same-runner A/B of a base checkout (worktree) against this one. */
  mode: (typeof MODES)[number];
  /** The A/B's base as asked for (a branch, tag or SHA); undefined = the pull request's merge base. */
  baseRef: string | undefined;
  comment: CommentPolicy;
  failOn: FailOn;
  /** Run only these profiles; empty = all. */
  profiles: string[];
}

export function readActionSettings(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const workingDirectory = path.resolve(workspace, core.getInput(INPUTS.workingDirectory) || '.');
  const config = core.getInput(INPUTS.config) || 'perfgate.yml';
  const out = core.getInput(INPUTS.out) || 'perfgate-report';
  if (path.isAbsolute(config) && !config.endsWith('.yml') && !config.endsWith('.yaml')) {
    throw new ConfigError(
      `input ${INPUTS.config}: ${JSON.stringify(config)} is not a .yml file; expected a path such as perfgate.yml`,
    );
  }
  const token = core.getInput(INPUTS.githubToken) || undefined;
  if (token) core.setSecret(token);
  return {
    workingDirectory,
    configPath: path.resolve(workingDirectory, config),
    outDir: path.resolve(workingDirectory, out),
    githubToken: token,
    baseline: core.getInput(INPUTS.baseline) || undefined,
    allowUntrustedCheckout: readBoolean(INPUTS.allowUntrustedCheckout),
    mode: readChoice(INPUTS.mode, MODES, 'run'),
    baseRef: core.getInput(INPUTS.baseRef).trim() || undefined,
    comment: readChoice(INPUTS.comment, COMMENT_POLICIES, 'always'),
    failOn: readChoice(INPUTS.failOn, FAIL_ON, 'any'),
    profiles: readList(INPUTS.profiles),
  };
}

function readChoice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = core.getInput(name).trim();
  if (raw === '') return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`input ${name}: ${JSON.stringify(raw)} is not one of ${choices.join(', ')}`);
}

/** A comma- or newline-separated list, e.g. "checkout, search". */
function readList(name: string): string[] {
  return core
    .getInput(name)
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function readBoolean(name: string): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`input ${name}: ${JSON.stringify(raw)} is not a boolean; expected true or false`);
}
