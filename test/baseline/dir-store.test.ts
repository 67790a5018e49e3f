import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirStore } from '../../src/baseline/dir-store.js';
import { parseBaselineFile } from '../../src/baseline/format.js';
import { DataError } from '../../src/errors.js';
import { resultWith } from '../helpers/results.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-baseline-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (sha: string, branch = 'main', p50 = 4) => ({
  sha,
  branch,
  savedAt: new Date().toISOString(),
  event: 'push',
  result: resultWith({ p50, rps: 1000 }, { sha, branch }),
});

describe('directory baseline store', () => {
  it('answers an empty history for a branch that was never saved', async () => {
    expect(await createDirStore(dir).history('main')).toEqual([]);
    expect(await createDirStore(path.join(dir, 'missing')).branches()).toEqual([]);
  });

  it('saves results with their histogram and fingerprint and reads them back oldest first', async () => {
    const store = createDirStore(dir);
    await store.save(entry('1'.repeat(40)), 50);
    await store.save(entry('2'.repeat(40), 'main', 5), 50);
    const h = await store.history('main');
    expect(h.map((e) => e.sha[0])).toEqual(['1', '2']);
    expect(h[1]!.result.profiles[0]!.latency.p50).toBe(5);
    expect(h[0]!.result.profiles[0]!.histogram).toMatch(/^HISTF/);
    expect(h[0]!.result.environment.cpuModel).toBe('Test CPU @ 3.0GHz');
    const file = JSON.parse(await readFile(path.join(dir, 'main.json'), 'utf8'));
    expect(file).toMatchObject({ format: 'perfgate-baselines', version: 1, branch: 'main' });
  });

  it('keeps only the newest `history` results and replaces a re-run of the same commit', async () => {
    const store = createDirStore(dir);
    for (let i = 0; i < 5; i++) await store.save(entry(String(i).repeat(40)), 3);
    await store.save(entry('4'.repeat(40), 'main', 9), 3);
    const h = await store.history('main');
    expect(h.map((e) => e.sha[0])).toEqual(['2', '3', '4']);
    expect(h[2]!.result.profiles[0]!.latency.p50).toBe(9);
  });

  it('keeps branches apart, including names with a slash', async () => {
    const store = createDirStore(dir);
    await store.save(entry('1'.repeat(40), 'release/1.x'), 10);
    await store.save(entry('2'.repeat(40), 'main'), 10);
    expect(await store.branches()).toEqual(['main', 'release/1.x']);
    expect((await store.history('release/1.x')).map((e) => e.branch)).toEqual(['release/1.x']);
  });

  it('loses no entry when savers race (the lock serializes read-modify-write)', async () => {
    const store = createDirStore(dir);
    await Promise.all(Array.from({ length: 8 }, (_, i) => createDirStore(dir).save(entry(String(i).repeat(40)), 50)));
    expect((await store.history('main')).map((e) => e.sha[0]).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp') || f === '.lock')).toEqual([]);
  });

  it.each([
    [
      'corrupt JSON',
      '{"format": "perfgate-baselines", "version": 1, "entr',
      /main\.json: the baseline file is not valid JSON .*perfgate left it untouched/,
    ],
    [
      'an unknown format version',
      JSON.stringify({ format: 'perfgate-baselines', version: 7, branch: 'main', entries: [] }),
      /baseline format version 7 is not supported \(this perfgate reads version 1\); upgrade perfgate/,
    ],
    [
      'another format',
      JSON.stringify({ format: 'benchmark-action', version: 1, branch: 'main', entries: [] }),
      /format "benchmark-action" is not "perfgate-baselines"/,
    ],
    [
      'an invalid entry',
      JSON.stringify({
        format: 'perfgate-baselines',
        version: 1,
        branch: 'main',
        entries: [{ sha: 'x', branch: 'main', savedAt: 'now', result: { schemaVersion: 99 } }],
      }),
      /entries\[0\]\.result\.schemaVersion/,
    ],
  ])(
    'fails closed on %s: a DataError on read and on save, and the file is left byte for byte',
    async (_what, text, message) => {
      const file = path.join(dir, 'main.json');
      await writeFile(file, text);
      const store = createDirStore(dir);
      await expect(store.history('main')).rejects.toThrow(DataError);
      await expect(store.history('main')).rejects.toThrow(message);
      await expect(store.save(entry('1'.repeat(40)), 50)).rejects.toThrow(message);
      expect(await readFile(file, 'utf8')).toBe(text);
    },
  );

  it('parses what it writes (round trip of the format)', async () => {
    const store = createDirStore(dir);
    await store.save(entry('1'.repeat(40)), 50);
    const text = await readFile(path.join(dir, 'main.json'), 'utf8');
    expect(parseBaselineFile(text, 'x').entries).toHaveLength(1);
  });
});
