/**
 * Fault suite (issue 15, case 11), the set writer alone: a failure while the temp files are
 * written (where a full disk fails) touches no target and leaves no temp file behind.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSetWriteError, writeFileSetAtomic } from '../../src/fs-atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-set-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileSetAtomic', () => {
  it('replaces every file of the set when all can be written', async () => {
    await writeFile(path.join(dir, 'a.txt'), 'old a');
    await writeFileSetAtomic([
      { file: path.join(dir, 'a.txt'), data: 'new a' },
      { file: path.join(dir, 'sub', 'b.txt'), data: 'new b' },
    ]);
    expect(await readFile(path.join(dir, 'a.txt'), 'utf8')).toBe('new a');
    expect(await readFile(path.join(dir, 'sub', 'b.txt'), 'utf8')).toBe('new b');
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'sub']);
  });

  it('keeps the previous files and no temp file when a later file cannot be written', async () => {
    await writeFile(path.join(dir, 'a.txt'), 'old a');
    await writeFile(path.join(dir, 'blocker'), 'a file where a folder is needed');
    const error = await writeFileSetAtomic([
      { file: path.join(dir, 'a.txt'), data: 'new a' },
      { file: path.join(dir, 'blocker', 'b.txt'), data: 'new b' },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileSetWriteError);
    expect((error as FileSetWriteError).file).toBe(path.join(dir, 'blocker', 'b.txt'));
    expect((error as Error).message).toMatch(/^could not write .*blocker\/b\.txt: E[A-Z]+$/);
    expect(await readFile(path.join(dir, 'a.txt'), 'utf8')).toBe('old a');
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'blocker']);
  });
});
