/**
 * False-alarm and detection rates of `perfgate ab` on this machine: alternating A/A runs (base
 * and head identical) and +5 % runs (the head spins 5 % longer per request), each a complete
 * A/B through the CLI (boots, randomized interleaved trials, paired test, Holm, gate).
 *
 *   npx tsx bench/ab-noise.ts [runsPerKind=20] [pairs=12] [trialMs=800] [warmupMs=300] [pin]
 *
 * With `aa` as the fifth argument it runs A/A only, to measure the noise at a trial length: each
 * run prints the per-pair SD of the log-ratio of p50 and throughput (from the pairs' values in
 * result.json), the number the seeded simulation (test/helpers/ab-simulation.ts) takes.
 * With `pin` as the fifth argument it compares pinning instead (issue 18): alternating A/A runs
 * with `ab.pin: auto` (perfgate on one CPU, the SUT on the others) and `ab.pin: off`; the median
 * printed MDE of each is proportional to the per-pair SD of the log-ratio at the same pairs.
 *
 * With `campaign` as the fifth argument (issue 18's campaign) the config has no `ab:` section, so
 * every A/B runs at perfgate's defaults (the pairs, trial and warmup arguments are ignored): A/A,
 * +3 %, +2 % and +10 % runs in turn (the head spins exactly that much longer per request), each
 * printing its verdicts, the pairs it ran before it stopped, its load seconds, MDEs and warm-ups.
 *
 *   npx tsx bench/ab-noise.ts 10 0 0 0 campaign
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';
import { silentLogger } from '../src/log/logger.js';
import { runResultSchema } from '../src/model/result.js';

const [runs = 20, pairs = 12, trialMs = 800, warmupMs = 300] = process.argv.slice(2, 6).map(Number);
const comparePinning = process.argv[6] === 'pin';
const onlyAa = process.argv[6] === 'aa';
const campaign = process.argv[6] === 'campaign';
const SPIN_US = 2000;
const server = fileURLToPath(new URL('./fixtures/spin-server.mjs', import.meta.url));
const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-bench-ab-'));

// A port below the ephemeral range: servers that other processes bind to port 0 cannot take it
// between two trials (each trial boots the SUT afresh on the configured port).
const freePort = async (): Promise<number> => {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer().once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
};

async function checkout(name: string, spinUs: number, port: number, pin = 'auto'): Promise<string> {
  const d = path.join(dir, name);
  await mkdir(d, { recursive: true });
  await writeFile(
    path.join(d, 'perfgate.yml'),
    `version: 1
sut:
  command: node ${server}
  env: { PORT: "${port}", SPIN_US: "${spinUs}" }
  url: http://127.0.0.1:${port}
  ready: { path: /health, timeout: 10s }
profiles:
  - { name: spin, kind: load, connections: 4, requests: [{ method: GET, path: /work }] }
gates:
  regression: { p50: 3%, throughput: 3% }
${campaign ? '' : `ab: { pairs: ${pairs}, trialDuration: ${trialMs}ms, warmup: ${warmupMs}ms, pin: ${pin}, sequential: false }\n`}report: { html: false }
`,
  );
  return d;
}

const port = await freePort();
const base = await checkout('base', SPIN_US, port);
const same = await checkout('same', SPIN_US, port);
const slower = await checkout('slower', SPIN_US * 1.05, port);
const slower3 = await checkout('slower-3', SPIN_US * 1.03, port);
const slower2 = await checkout('slower-2', SPIN_US * 1.02, port);
const slower10 = await checkout('slower-10', SPIN_US * 1.1, port);
// The A/B runs with the base's config: the pinning mode is the base's.
const baseUnpinned = await checkout('base-unpinned', SPIN_US, port, 'off');
const kinds = comparePinning
  ? ['pinned', 'unpinned']
  : onlyAa
    ? ['A/A']
    : campaign
      ? ['A/A', '+3%', '+2%', '+10%']
      : ['A/A', '+5%'];
const headOf: Record<string, string> = { '+5%': slower, '+3%': slower3, '+2%': slower2, '+10%': slower10 };
const rows: {
  kind: string;
  flagged: boolean;
  failed: boolean;
  p50: number;
  rps: number;
  mdeP50: number | null;
  mdeRps: number | null;
  sdP50: number;
  sdRps: number;
  seconds: number;
  verdicts: string;
  pairs: number;
  loadSeconds: number;
  warmup: unknown;
  neighbours: number | undefined;
}[] = [];
/** The SD of the per-pair log-ratios (head/base): the noise of one pair at this trial length. */
const pairSd = (trials: { base: number; head: number }[] | undefined): number => {
  const logs = (trials ?? []).filter((t) => t.base > 0 && t.head > 0).map((t) => Math.log(t.head / t.base));
  const mean = logs.reduce((a, b) => a + b, 0) / Math.max(1, logs.length);
  return Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, logs.length - 1));
};
let errors = 0;
for (let i = 0; i < runs * kinds.length; i++) {
  const kind = kinds[i % kinds.length] as string;
  const [from, to] = kind === 'unpinned' ? [baseUnpinned, same] : [base, headOf[kind] ?? same];
  const out = path.join(dir, `out-${i}`);
  const t0 = Date.now();
  const code = await main(['ab', '--base', from, '--head', to, '--out', out, '--seed', String(1000 + i)], {
    logger: {
      ...silentLogger,
      error: (m: string) => console.error(m),
      info: process.env.DEBUG_AB ? (m: string) => console.error(m) : () => {},
    },
    stdout: () => {},
  });
  const text = await readFile(path.join(out, 'result.json'), 'utf8').catch(() => undefined);
  if (code === 3 || text === undefined) {
    console.log(JSON.stringify({ i, kind, error: `exit ${code}` }));
    errors++;
    continue;
  }
  const result = runResultSchema.parse(JSON.parse(text));
  const m = (name: string) => result.comparison!.metrics.find((x) => x.metric === name)!;
  const row = {
    kind,
    flagged: result.comparison!.metrics.some(
      (x) => x.verdict === 'regression' || (!kind.startsWith('+') && x.verdict === 'improvement'),
    ),
    verdicts: `p50 ${m('p50').verdict}, throughput ${m('throughput').verdict}`,
    pairs: m('p50').trials?.length ?? 0,
    loadSeconds: result.comparison!.design?.loadSeconds ?? NaN,
    warmup: result.comparison!.design?.warmup,
    neighbours: result.comparison!.neighbours?.medianPercent,
    failed: code === 1,
    p50: m('p50').ratio,
    rps: m('throughput').ratio,
    mdeP50: m('p50').mde,
    mdeRps: m('throughput').mde,
    sdP50: pairSd(m('p50').trials),
    sdRps: pairSd(m('throughput').trials),
    seconds: (Date.now() - t0) / 1000,
  };
  rows.push(row);
  console.log(JSON.stringify({ i, ...row }));
}
const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
for (const kind of kinds) {
  const r = rows.filter((x) => x.kind === kind);
  if (campaign)
    console.log(
      `${kind}: p50 flagged regression ${r.filter((x) => x.verdicts.startsWith('p50 regression')).length}/${r.length}, ` +
        `throughput flagged regression ${r.filter((x) => x.verdicts.endsWith('throughput regression')).length}/${r.length}, ` +
        `median pairs ${medianOf(r.map((x) => x.pairs))}, median load ${medianOf(r.map((x) => x.loadSeconds))}s (max ${Math.max(...r.map((x) => x.loadSeconds))}s)`,
    );
  console.log(
    `${kind}: ${r.length} runs, flagged ${r.filter((x) => x.flagged).length}, gate failed ${r.filter((x) => x.failed).length}, ` +
      `median p50 ratio ${medianOf(r.map((x) => x.p50)).toFixed(3)}, median throughput ratio ${medianOf(r.map((x) => x.rps)).toFixed(3)}, ` +
      `median MDE p50 ${pct(medianOf(r.map((x) => x.mdeP50 ?? NaN)))}, throughput ${pct(medianOf(r.map((x) => x.mdeRps ?? NaN)))}, ` +
      `median per-pair SD of the log-ratio p50 ${pct(medianOf(r.map((x) => x.sdP50)))}, throughput ${pct(medianOf(r.map((x) => x.sdRps)))}, median wall ${medianOf(r.map((x) => x.seconds)).toFixed(0)}s`,
  );
}
console.log(`runs that could not complete (exit 3): ${errors}`);
await rm(dir, { recursive: true, force: true });
