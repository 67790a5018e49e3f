import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Write a file so that readers see the old content or the new, never a torn one: write a temp
 * file in the same folder, then rename over the target (atomic on POSIX file systems).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export interface FileToWrite {
  file: string;
  data: string | Uint8Array;
}

/** A failed set write: which target file failed, and the system error (e.g. ENOSPC). */
export class FileSetWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(`could not write ${file}: ${code ?? (cause as Error).message}`, { cause });
  }
}

/**
 * Write several files as one set: the folders hold either every new file or every previous one.
 * Phase 1 writes all temp files (a full disk fails here, before any target is touched); phase 2
 * keeps a hard link of each previous file, renames the temps over the targets, and on a failure
 * puts the previous files back. Temps and links are removed in every case. Used for a run's
 * outputs, where a new result.json beside the previous report.html would mix two runs (issue 15).
 */
export async function writeFileSetAtomic(files: readonly FileToWrite[]): Promise<void> {
  const staged = files.map((f) => ({ ...f, tmp: tempName(f.file), backup: undefined as string | undefined }));
  const renamed: typeof staged = [];
  let current = '';
  try {
    for (const f of staged) {
      current = f.file;
      await mkdir(path.dirname(f.file), { recursive: true });
      await writeFile(f.tmp, f.data);
    }
    for (const f of staged) {
      current = f.file;
      f.backup = await keepPrevious(f.file);
      await rename(f.tmp, f.file);
      renamed.push(f);
    }
  } catch (e) {
    await restorePrevious(renamed);
    await removeAll(staged.flatMap((f) => [f.tmp, f.backup ?? '']));
    throw new FileSetWriteError(current, (e as NodeJS.ErrnoException).code, e);
  }
  await removeAll(staged.map((f) => f.backup ?? ''));
}

function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** A second name for the previous file (a hard link; a copy where links are refused), or undefined if there is none. */
async function keepPrevious(file: string): Promise<string | undefined> {
  const backup = `${tempName(file)}.prev`;
  try {
    await link(file, backup);
    return backup;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR' || code === 'EPERM') {
      // A folder at the target: nothing to keep, and the rename that follows fails and says so.
      return undefined;
    }
    await copyFile(file, backup);
    return backup;
  }
}

async function restorePrevious(renamed: readonly { file: string; backup?: string | undefined }[]): Promise<void> {
  for (const f of [...renamed].reverse()) {
    if (f.backup) await rename(f.backup, f.file).catch(() => undefined);
    else await rm(f.file, { force: true });
  }
}

/** Best effort: a cleanup that fails (e.g. ENOTDIR under a blocked path) must not hide the first error. */
async function removeAll(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.filter(Boolean).map((p) => rm(p, { force: true }).catch(() => undefined)));
}
