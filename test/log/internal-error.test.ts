import { describe as group, expect, it } from 'vitest';
import { describe } from '../../src/log/internal-error.js';

group('an internal error in one line', () => {
  it('gives the error, its message and the first frame, never source text', () => {
    const e = new RangeError('Invalid string length');
    e.stack = `RangeError: Invalid string length\n    at PipelinedRequestsQueue.addBody (/x/node_modules/autocannon/lib/pipelinedRequestsQueue.js:42:16)\n    at HTTPParser.f (/x/y.js:1:2)`;
    expect(describe(e)).toBe('RangeError: Invalid string length (at pipelinedRequestsQueue.js:42)');
  });

  it('bounds a huge message and reads a thrown non-error', () => {
    expect(describe(new Error('x'.repeat(100_000))).length).toBeLessThan(600);
    expect(describe('plain')).toBe('plain');
  });
});

group('an exception thrown outside any await', () => {
  it('aborts the run (so the SUT is torn down), prints one line, and the process exits 3', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      import { watchInternalErrors } from './src/log/internal-error.ts';
      const watch = watchInternalErrors(
        (reason) => { console.log('aborted: ' + reason.message); setTimeout(() => process.exit(watch.code() ?? 0), 50); },
        (line) => process.stderr.write(line + '\\n'),
      );
      setTimeout(() => { throw new RangeError('Invalid string length'); }, 10);
      setTimeout(() => {}, 5000);
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stdout).toContain('aborted: internal error: RangeError: Invalid string length');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^perfgate: internal error: RangeError: Invalid string length \(at .*\); stopping the run/,
    );
    expect(run.status).toBe(3);
  });
});
