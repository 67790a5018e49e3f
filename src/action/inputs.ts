/**
 * The action's inputs, settled once into a typed object (the pattern of actions/checkout's
 * input-helper). Nothing deeper reads core.getInput or process.env.
 */
import path from 'node:path';
import * as core from '@actions/core';
import { ConfigError } from '../errors.js';

const INPUTS = {
  config: 'config',
  workingDirectory: 'working-directory',
  out: 'out',
  githubToken: 'github-token',
  baseline: 'baseline',
  allowUntrustedCheckout: 'allow-untrusted-checkout',
} as const;

export interface ActionSettings {
  workingDirectory: string;
  configPath: string;
  outDir: string;
  githubToken: string | undefined;
  /** Baseline location for `run --baseline` (a folder, or "auto"); undefined = no comparison. */
  baseline: string | undefined;
  allowUntrustedCheckout: boolean;
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
  };
}

function readBoolean(name: string): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`input ${name}: ${JSON.stringify(raw)} is not a boolean; expected true or false`);
}
