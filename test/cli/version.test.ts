import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';

it('writes the version of package.json into every result', async () => {
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
});
