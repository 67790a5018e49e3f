/**
 * "Duet" A/B (Bulej et al. 2020) against perfgate's interleaved trials, side by side (issue 18):
 * does running base and head at the same time, one generator each, give pairs less noisy than
 * running them one after the other? Kept only if it does at equal trial length, and only if it
 * still measures a known change at its true size (two servers on two cores compete, so a slower
 * head may also slow the base and shrink the ratio).
 *
 *   npx tsx bench/ab-duet.ts [pairs=16] [trialMs=2000] [warmMs=750]
 *
 * Servers: bench/fixtures/spin-server.mjs (2000 µs of busy-spin per request; the +3 % head spins
 * 2060 µs), 4 connections each, perfgate's own engine, loopback only. Each pair boots its servers
 * afresh, as `perfgate ab` does. Modes alternate pair by pair, A/A and +3 % alike, so all four see
 * the same machine. Per mode and case: the mean ratio head/base of p50 and throughput, and the SD
 * of the per-pair log-ratio (the noise the paired test sees).
 */
import { createLoadRunner } from '../src/load/index.js';
import type { LoadMeasurement } from '../src/load/types.js';
import { bootSpin as boot, spinRequests as requests, stopSpin as stop } from './fixtures/spin.js';

const [pairs = 16, trialMs = 2000, warmMs = 750] = process.argv.slice(2, 5).map(Number);
const SPIN_US = 2000;
const runner = createLoadRunner();

const measure = (baseUrl: string, durationMs: number, warmupMs: number): Promise<LoadMeasurement> =>
  runner.run({
    baseUrl,
    requests,
    model: { kind: 'closed', connections: 4 },
    durationMs,
    warmupMs,
    timeoutMs: 5_000,
  });

/** One side after the other, each on its own boot, in the given order. */
async function interleavedPair(headUs: number, headFirst: boolean): Promise<[LoadMeasurement, LoadMeasurement]> {
  const got: Partial<Record<'base' | 'head', LoadMeasurement>> = {};
  for (const side of headFirst ? (['head', 'base'] as const) : (['base', 'head'] as const)) {
    const s = await boot(side === 'head' ? headUs : SPIN_US);
    got[side] = await measure(s.url, trialMs, warmMs);
    await stop(s.child);
  }
  return [got.base!, got.head!];
}

/** Both sides at once, one generator run each, on two fresh boots. */
async function duetPair(headUs: number): Promise<[LoadMeasurement, LoadMeasurement]> {
  const [b, h] = await Promise.all([boot(SPIN_US), boot(headUs)]);
  const pair = await Promise.all([measure(b.url, trialMs, warmMs), measure(h.url, trialMs, warmMs)]);
  await Promise.all([stop(b.child), stop(h.child)]);
  return pair;
}

type Row = { p50: number; rps: number };
const rows: Record<string, Row[]> = {};
const t0 = performance.now();
for (let i = 0; i < pairs; i++) {
  for (const [change, headUs] of [
    ['A/A', SPIN_US],
    ['+3%', SPIN_US * 1.03],
  ] as const) {
    for (const mode of ['interleaved', 'duet'] as const) {
      const [base, head] = mode === 'duet' ? await duetPair(headUs) : await interleavedPair(headUs, i % 2 === 1);
      const row = {
        p50: Math.log(head.latency.p50 / base.latency.p50),
        rps: Math.log(head.throughput.rps / base.throughput.rps),
      };
      (rows[`${mode} ${change}`] ??= []).push(row);
      if (process.env.DEBUG_DUET) console.error(JSON.stringify({ i, mode, change, ...row }));
    }
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1));
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
/** 1.4826 × the median absolute deviation: the SD a normal sample would have, blind to a few wild pairs. */
const robustSd = (xs: number[]) => {
  const med = (ys: number[]) => [...ys].sort((a, b) => a - b)[Math.floor(ys.length / 2)] ?? NaN;
  const m = med(xs);
  return 1.4826 * med(xs.map((x) => Math.abs(x - m)));
};
console.log(
  `${pairs} pairs per row, ${trialMs} ms trials after ${warmMs} ms warm-up, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
);
console.log(
  '| mode | true change | mean ratio p50 | SD log-ratio p50 | mean ratio throughput | SD log-ratio throughput |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const [key, r] of Object.entries(rows)) {
  const [mode, change] = key.split(' ');
  const p50 = r.map((x) => x.p50);
  const rps = r.map((x) => x.rps);
  console.log(
    `| ${mode} | ${change} | ${Math.exp(mean(p50)).toFixed(4)} | ${pct(sd(p50))} (${pct(robustSd(p50))}) | ${Math.exp(mean(rps)).toFixed(4)} | ${pct(sd(rps))} (${pct(robustSd(rps))}) |`,
  );
}
