/**
 * One action reference everywhere (issue 14 found `@v0` and `@v1` in different docs), and
 * action.yml's inputs are exactly the ones the action reads.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const files = async () => [
  'README.md',
  ...(await readdir('docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f)),
  'src/init/render-workflow.ts',
];

describe('the action reference in the docs', () => {
  it('is perfgate/perfgate@v<major of package.json> in every file that names one', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const expected = `perfgate/perfgate@v${version.split('.')[0]}`;
    const found = new Map<string, string[]>();
    for (const file of await files()) {
      for (const m of (await readFile(file, 'utf8')).matchAll(/perfgate\/perfgate@[\w.-]+/g))
        found.set(m[0], [...(found.get(m[0]) ?? []), file]);
    }
    expect([...found.keys()]).toEqual([expected]);
  });
});

describe('action.yml', () => {
  it('declares exactly the inputs the action reads', async () => {
    const action = parse(await readFile('action.yml', 'utf8')) as { inputs: Record<string, unknown> };
    const source = await readFile('src/action/inputs.ts', 'utf8');
    const block = /const INPUTS = \{([\s\S]*?)\} as const;/.exec(source)?.[1] ?? '';
    const read = [...block.matchAll(/:\s*'([\w-]+)'/g)].map((m) => m[1]);
    expect(read.sort()).toEqual(Object.keys(action.inputs).sort());
  });
});
