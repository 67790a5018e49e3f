/** CPU pinning for the A/B (issue 18): parsing the CPU lists, and a SUT started on a set of CPUs. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sutSchema } from '../../src/config/schema.js';
import { allowedCpus, parseCpuList, splitCpus } from '../../src/proc/affinity.js';
import { startSut } from '../../src/sut/index.js';
import { FIXTURES } from '../helpers/servers.js';
import { freePort } from '../helpers/processes.js';

describe('CPU lists', () => {
  it('reads the kernel’s list format and refuses anything else', () => {
    expect(parseCpuList('0-2,5')).toEqual([0, 1, 2, 5]);
    expect(parseCpuList('3')).toEqual([3]);
    expect(parseCpuList('2-1')).toBeUndefined();
    expect(parseCpuList('a')).toBeUndefined();
    expect(parseCpuList('')).toBeUndefined();
  });

  it('gives perfgate the first CPU and the SUT the rest, and pins nothing on one CPU', () => {
    expect(splitCpus([0, 1, 2, 3])).toEqual({ generator: [0], sut: [1, 2, 3] });
    expect(splitCpus([4])).toBeUndefined();
    expect(splitCpus(undefined)).toBeUndefined();
    expect(allowedCpus('/nonexistent')).toBeUndefined();
    expect(allowedCpus()?.length).toBe(os.availableParallelism());
  });
});

describe.runIf(os.availableParallelism() >= 2)('a SUT started on a set of CPUs', () => {
  it('runs its whole process tree there', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-pin-'));
    const port = await freePort();
    const cpus = (allowedCpus() ?? []).slice(1);
    const handle = await startSut({
      // The shell's child reads its own affinity: what the SUT's server process gets.
      config: sutSchema.parse({
        command: `sh -c 'grep Cpus_allowed_list /proc/self/status' > cpus.txt; exec node ${FIXTURES}/behaviours.mjs`,
        env: { PORT: String(port) },
        url: `http://127.0.0.1:${port}`,
        ready: { path: '/health', timeout: '10s' },
        stopTimeout: '1s',
      }),
      dir,
      logDir: dir,
      inheritedEnv: process.env,
      cpus,
    });
    try {
      const server = await readFile(`/proc/${handle.pids().at(-1)}/status`, 'utf8');
      expect(parseCpuList(/Cpus_allowed_list:\s*(.+)/.exec(server)?.[1] ?? '')).toEqual(cpus);
      const child = await readFile(path.join(dir, 'cpus.txt'), 'utf8');
      expect(parseCpuList(child.split(':')[1] ?? '')).toEqual(cpus);
    } finally {
      await handle.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
