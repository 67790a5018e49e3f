/**
 * Fault suite (issue 15, case 11): a run whose outputs cannot all be written leaves the previous
 * run's complete set of files (never a mix of two runs), no temp files, an error that names the
 * file and the errno, the verdict on the console, and exit 3 (not 1, "gate failed"). The failure
 * is injected without a full disk: a folder named report.html in the output folder makes the
 * rename onto it fail, after result.json and report.md would already have been replaced.
 */
import { readdir, readFile, rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, writeConfig } from '../helpers/cli.js';
import { fixtureAndTempDir } from '../helpers/servers.js';

const { server, dir } = fixtureAndTempDir('behaviours.mjs', 'perfgate-outputs-');

const config = (route: string) => `version: 1
sut: { url: "${server().url}", ready: { path: /health } }
monitor: { enabled: false }
export: { junit: junit.xml }
profiles:
  - { name: api, kind: load, duration: 1s, connections: 2, requests: [{ path: ${route} }], slo: { errorRate: 1% } }
`;

async function snapshot(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(folder, { withFileTypes: true }))
    if (e.isFile()) out[e.name] = await readFile(path.join(folder, e.name), 'utf8');
  return out;
}

describe('a run whose outputs cannot be written (case 11)', () => {
  it('keeps the previous set, leaves no temp file, names the file, prints the verdict and exits 3', async () => {
    const file = await writeConfig(dir(), config('/fast'));
    const first = await runCli(['run', '--config', file, '--out', 'out'], { cwd: dir() });
    expect(first.code).toBe(0);
    const out = path.join(dir(), 'out');
    const before = await snapshot(out);
    expect(Object.keys(before).sort()).toEqual(['junit.xml', 'report.html', 'report.md', 'result.json']);

    // The failing run's report.html cannot replace the previous one: a folder stands in the way.
    await rm(path.join(out, 'report.html'));
    await mkdir(path.join(out, 'report.html'));
    const { 'report.html': previousHtml, ...previous } = before;
    expect(previousHtml).toContain('<html');
    await writeConfig(dir(), config('/boom'));
    const second = await runCli(['run', '--config', file, '--out', 'out'], { cwd: dir() });

    expect(second.code).toBe(3);
    expect(second.errors).toContain(`could not write ${path.join(out, 'report.html')}: EISDIR`);
    expect(second.errors).toMatch(/verdict: FAIL — .*error/);
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'report.html', 'report.md', 'result.json']);
    const after = await snapshot(out);
    expect(after).toEqual(previous);
    expect(JSON.parse(after['result.json'] ?? '{}')).toMatchObject({ status: 'pass' });
  });
});
