/**
 * JTL import: the three shapes JMeter writes, against numbers computed here from the same
 * samples, and a round trip through `perfgate import jtl` to a valid result and report.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJtl } from '../../src/jmeter/jtl.js';
import { runResultSchema } from '../../src/model/result.js';
import { resultFromJtl } from '../../src/commands/import.js';
import { readResult, runCli } from '../helpers/cli.js';

// 200 samples over 4 s: elapsed 1..20 ms, two labels, 10 failures (5 × 500, 5 × connection refused).
const samples = Array.from({ length: 200 }, (_, i) => ({
  ts: 1_700_000_000_000 + i * 20,
  elapsed: (i % 20) + 1,
  label: i % 2 ? 'GET /items' : 'POST /items',
  code: i % 40 === 7 ? '500' : i % 40 === 9 ? 'Non HTTP response code: java.net.ConnectException' : '200',
  message: i % 40 === 9 ? 'Connection refused, with a comma' : 'OK',
}));
const ok = (s: (typeof samples)[number]) => s.code === '200';
const header5 =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect';
const csv5 = (withHeader: boolean) =>
  (withHeader ? header5 + '\n' : '') +
  samples
    .map(
      (s) =>
        `${s.ts},${s.elapsed},${s.label},${s.code},"${s.message}",TG 1-1,text,${ok(s)},,512,120,4,4,http://127.0.0.1/items,${s.elapsed},0,1`,
    )
    .join('\n') +
  '\n';
const csv213 =
  samples
    .map((s) => `${s.ts},${s.elapsed},${s.label},${s.code},"${s.message}",TG 1-1,text,${ok(s)},512,4,4,${s.elapsed}`)
    .join('\n') + '\n';
const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<testResults version="1.2">\n${samples
  .map(
    (s) =>
      `<httpSample t="${s.elapsed}" ts="${s.ts}" s="${ok(s)}" lb="${s.label}" rc="${s.code}" rm="${s.message}" by="512"><httpSample t="1" ts="${s.ts}" s="true" lb="redirect" rc="302" by="10"/></httpSample>`,
  )
  .join('\n')}\n</testResults>\n`;

describe('parseJtl', () => {
  it.each([
    ['CSV with a header (JMeter 5.x)', csv5(true)],
    ['CSV without a header (JMeter 5.x, 17 columns)', csv5(false)],
    ['CSV without a header (JMeter 2.13, 12 columns)', csv213],
    ['XML, sub-results left out', xml],
  ])('reads %s', (_name, text) => {
    const parsed = parseJtl(text);
    expect(parsed).toHaveLength(200);
    expect(parsed.filter((s) => s.success)).toHaveLength(190);
    expect(parsed[9]).toMatchObject({ elapsed: 10, label: 'GET /items', success: false });
  });

  it('refuses a headerless CSV of an unknown shape, naming the fix', () => {
    expect(() => parseJtl('1,2,3\n')).toThrow(/12 \(JMeter 2.x\) or 17 \(JMeter 5.x\) columns; this one has 3/);
  });
});

describe('a JTL as a perfgate result', () => {
  it('has the same request count, error classes and percentiles as the samples', () => {
    const r = resultFromJtl(csv5(true), 'plan.jtl', 'plan');
    const all = r.profiles[0];
    expect(all?.kind).toBe('jmeter');
    expect(all?.requests.total).toBe(200);
    expect(all?.errors.byClass['5xx']).toBe(5);
    expect(all?.errors.byClass.refused).toBe(5);
    // Nearest-rank percentiles of the samples that got a response (the refused ones have no latency).
    const answered = samples
      .filter((s) => !s.code.startsWith('Non HTTP'))
      .map((s) => s.elapsed)
      .sort((a, b) => a - b);
    const rank = (p: number) => answered[Math.ceil((p / 100) * answered.length) - 1] ?? NaN;
    expect(all?.latency.p50).toBeCloseTo(rank(50), 1);
    expect(all?.latency.p90).toBeCloseTo(rank(90), 1);
    expect(all?.latency.max).toBeCloseTo(20, 1);
    expect(r.profiles.map((p) => p.name)).toEqual(['plan', 'plan · POST /items', 'plan · GET /items']);
    expect(runResultSchema.safeParse(r).success).toBe(true);
  });

  it('perfgate import jtl writes result.json and the reports', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-jtl-'));
    try {
      await writeFile(path.join(dir, 'run.jtl'), xml);
      const { code } = await runCli(['import', 'jtl', path.join(dir, 'run.jtl'), '--out', path.join(dir, 'out')], {
        cwd: dir,
      });
      expect(code).toBe(0);
      const r = await readResult(path.join(dir, 'out'));
      expect(r.profiles[0]?.name).toBe('run');
      expect(await readFile(path.join(dir, 'out', 'report.md'), 'utf8')).toContain('run · GET /items');
      expect((await runCli(['import', 'jtl', path.join(dir, 'missing.jtl')], { cwd: dir })).code).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
