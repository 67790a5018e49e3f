/**
 * The output folder named by --out, checked before anything runs: a path that is a file (or lies
 * under one) used to surface as a raw EEXIST/ENOTDIR after the SUT had booted, exit 3 (issue 15,
 * case 13). A missing folder is fine; the writer creates it.
 */
import { stat } from 'node:fs/promises';
import { ConfigError } from '../errors.js';

/** Throws ConfigError when `abs` (the resolved `--out` value `given`) cannot be a folder. */
export async function assertOutputFolder(given: string, abs: string): Promise<void> {
  try {
    if (!(await stat(abs)).isDirectory())
      throw new ConfigError(`--out: ${JSON.stringify(given)} is a file; expected a folder (new or existing)`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR')
      throw new ConfigError(`--out: ${JSON.stringify(given)} lies under a file; expected a folder (new or existing)`);
    throw e;
  }
}
