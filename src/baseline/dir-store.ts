/**
 * The default store: one JSON file per branch in a local folder (e.g. .perfgate/baselines,
 * kept between CI runs by a cache step or committed). Writes are atomic (temp file + rename)
 * and serialized by a lock file, so two savers never lose each other's entry.
 */
import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../errors.js';
import { writeFileAtomic } from '../fs-atomic.js';
import {
  branchOfFileName,
  fileNameOf,
  parseBaselineFile,
  serializeBaselineFile,
  withEntry,
  type BaselineEntry,
} from './format.js';
import type { BaselineStore } from './types.js';

/** A lock older than this belongs to a saver that died; it is broken. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 20_000;

export function createDirStore(dir: string): BaselineStore {
  const fileOf = (branch: string) => path.join(dir, fileNameOf(branch));
  const read = async (branch: string) => {
    const file = fileOf(branch);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new DataError(`${file}: cannot read the baseline file: ${(e as Error).message}`);
    }
    return parseBaselineFile(text, file);
  };
  return {
    description: `directory ${dir}`,
    async history(branch) {
      return (await read(branch))?.entries ?? [];
    },
    async save(entry: BaselineEntry, keep: number) {
      await withLock(path.join(dir, '.lock'), async () => {
        const current = await read(entry.branch); // throws on corrupt data: it is never overwritten
        await writeFileAtomic(fileOf(entry.branch), serializeBaselineFile(withEntry(current, entry, keep)));
      });
    },
    async branches() {
      const names = await readdir(dir).catch(() => [] as string[]);
      return names
        .map(branchOfFileName)
        .filter((b): b is string => b !== undefined)
        .sort();
    },
  };
}

async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age =
        Date.now() -
        (await stat(lock)
          .then((s) => s.mtimeMs)
          .catch(() => Date.now()));
      if (age > STALE_LOCK_MS) await rm(lock, { force: true });
      else if (Date.now() > deadline)
        throw new DataError(
          `${lock}: another perfgate has held the baseline lock for ${Math.round(age / 1000)}s; remove the file if no perfgate is running`,
        );
      else await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}
