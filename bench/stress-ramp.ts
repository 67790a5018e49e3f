/**
 * How exactly does a stress ramp deliver the rate it offers? On a server that keeps up
 * (test/fixtures/servers/behaviours.mjs, GET /fast), each step's achieved rate is compared with
 * its offered rate.
 *
 *   npx tsx bench/stress-ramp.ts [stepSeconds=5]
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../src/cli.js';
import { runResultSchema } from '../src/model/result.js';
import { startFixture } from '../test/helpers/servers.js';

const stepSeconds = Number(process.argv[2] ?? 5);
const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-bench-ramp-'));
// The server runs outside perfgate (no sut.command) so that its own request count can be read.
const server = await startFixture('behaviours.mjs');
const hits = async () => ((await (await fetch(`${server.url}/hits`)).json()) as Record<string, number>)['/fast'] ?? 0;
const before = await hits();
await writeFile(
  path.join(dir, 'perfgate.yml'),
  `version: 1
sut:
  url: ${server.url}
  ready: { path: /health }
profiles:
  - name: ramp
    kind: stress
    rate: { start: 250, step: 500, max: 3250 }
    stepDuration: ${stepSeconds}s
    requests: [{ path: /fast }]
    slo: { p99: 100ms }
`,
);
const code = await main(
  ['run', '--config', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'out'), '--no-html'],
  { stdout: () => {}, cwd: dir },
);
const result = runResultSchema.parse(JSON.parse(await readFile(path.join(dir, 'out', 'result.json'), 'utf8')));
const received = (await hits()) - before;
await server.close();
await rm(dir, { recursive: true, force: true });
console.log(`exit ${code}; breaking point: ${result.profiles[0]?.stress?.breakingPoint.reason}`);
console.log('| offered req/s | achieved req/s | error | p99 ms |\n|---:|---:|---:|---:|');
let worst = 0;
for (const s of result.profiles[0]?.stress?.steps ?? []) {
  const error = (s.achievedRps - s.offered) / s.offered;
  worst = Math.max(worst, Math.abs(error));
  console.log(`| ${s.offered} | ${s.achievedRps.toFixed(1)} | ${(error * 100).toFixed(2)}% | ${s.p99.toFixed(2)} |`);
}
console.log(`worst step error: ${(worst * 100).toFixed(2)}%`);
const planned = (result.profiles[0]?.stress?.steps ?? []).reduce((sum, st) => sum + st.offered * stepSeconds, 0);
console.log(
  `requests the server received: ${received} of ${planned} planned (${(((received - planned) / planned) * 100).toFixed(2)}%)`,
);
