import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit`: tests that start no server, spawn no process and open no socket (pure
 * functions, parsing, statistics, seeded simulations, report strings); they run in parallel.
 * `e2e`: everything that boots something. Name such a file `*.e2e.test.ts`; the files below are
 * e2e by path (not renamed). A new file is a unit test unless it is named or listed so.
 */
const E2E_BY_PATH = [
  'test/monitor/bottlenecks.test.ts',
  'test/monitor/external.test.ts',
  'test/monitor/postgres.test.ts',
  'test/monitor/units.test.ts', // the HTTP hygiene probe starts a server
  'test/stress/stress.test.ts',
];
const E2E = ['test/**/*.e2e.test.ts', ...E2E_BY_PATH];

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: E2E,
          // vitest leaves one core to itself by default; its main process idles while unit tests run.
          maxWorkers: os.availableParallelism(),
          // Before e2e, never beside it: its load tests measure latency on the same cores.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: E2E,
          // Load tests share 2 cores: files run one at a time so that one test's load
          // does not distort another's latency measurements.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
