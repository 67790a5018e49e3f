/**
 * A `kind: jmeter` profile with the real JMeter from Debian's packages (2.13, started through
 * perfgate's launcher) against a loopback fixture server: perfgate's numbers must match JMeter's
 * own summary and the percentiles of its JTL.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJtl } from '../../src/jmeter/jtl.js';
import { planHosts } from '../../src/profiles/jmeter.js';
import { runConfig } from '../helpers/cli.js';
import { startFixture, type FixtureServer } from '../helpers/servers.js';

describe('planHosts', () => {
  it('reads sampler hosts, resolving ${__P(name,default)} with the profile properties', () => {
    const jmx =
      '<stringProp name="HTTPSampler.domain">127.0.0.1</stringProp><stringProp name="HTTPSampler.domain">${__P(host,localhost)}</stringProp><stringProp name="HTTPSampler.domain"></stringProp>';
    expect(planHosts(jmx, {})).toEqual(['127.0.0.1', 'localhost']);
    expect(planHosts(jmx, { host: 'example.com' })).toEqual(['127.0.0.1', 'example.com']);
    expect(() => planHosts('<stringProp name="HTTPSampler.domain">${target}</stringProp>', {})).toThrow(
      /cannot check against targets.allow/,
    );
  });
});

describe('a JMeter plan run by perfgate', () => {
  let server: FixtureServer;
  let dir: string;
  beforeAll(async () => {
    if (!existsSync('/usr/share/jmeter/bin/ApacheJMeter.jar') && !process.env.JMETER_HOME && !process.env.JMETER_BIN)
      throw new Error("JMeter not found: install Debian's jmeter (.ci/run does) or set JMETER_HOME");
    server = await startFixture('behaviours.mjs');
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-jmeter-'));
    await copyFile('test/fixtures/jmeter/plan.jmx', path.join(dir, 'plan.jmx'));
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the same request count and latencies as JMeter itself', async () => {
    const port = new URL(server.url).port;
    const { code, result } = await runConfig(
      dir,
      `version: 1\nsut: { url: "${server.url}", ready: { path: /health } }\nprofiles:\n  - { name: plan, kind: jmeter, plan: plan.jmx, properties: { port: ${port}, threads: 4, loops: 100 }, timeout: 2m, slo: { p99: 1s } }\n`,
      { args: ['--no-html'] },
    );
    const p = result?.profiles[0];
    expect(p?.reasons.join('\n')).toMatch(/JMeter's summary: 400 samples/);
    expect(code).toBe(0);
    expect(p?.kind).toBe('jmeter');
    expect(p?.requests.total).toBe(400);
    const summary = /avg (\d+) ms, min (\d+) ms, max (\d+) ms, (\d+) errors/.exec(p?.reasons.join('\n') ?? '');
    expect(Math.abs((p?.latency.mean ?? 0) - Number(summary?.[1])) / Number(summary?.[1])).toBeLessThan(
      0.05 + 1 / Number(summary?.[1]),
    );
    expect(p?.latency.min).toBeCloseTo(Number(summary?.[2]), 1);
    expect(p?.latency.max).toBeCloseTo(Number(summary?.[3]), 0);
    // Percentiles against the JTL's own elapsed column (nearest rank), as JMeter's aggregate report computes them.
    const elapsed = parseJtl(await readFile(path.join(dir, 'out', 'plan.jtl'), 'utf8'))
      .map((s) => s.elapsed)
      .sort((a, b) => a - b);
    const rank = (q: number) => elapsed[Math.ceil(q * elapsed.length) - 1] ?? NaN;
    for (const [q, key] of [
      [0.5, 'p50'],
      [0.9, 'p90'],
      [0.99, 'p99'],
    ] as const) {
      expect(Math.abs((p?.latency[key] ?? 0) - rank(q)) / rank(q)).toBeLessThan(0.05);
    }
  }, 90_000);
});

describe('a JMeter without the plugin a plan needs', () => {
  it('says which element JMeter could not load and which package brings it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-jmeter-missing-'));
    const saved = process.env.JMETER_BIN;
    const server = await startFixture('behaviours.mjs');
    try {
      await copyFile('test/fixtures/jmeter/plan.jmx', path.join(dir, 'plan.jmx'));
      // What Debian's JMeter 2.13 prints, and how it exits, when jmeter-http is not installed.
      const bin = path.join(dir, 'jmeter');
      await writeFile(
        bin,
        "#!/bin/sh\ncat <<'OUT'\nError in NonGUIDriver com.thoughtworks.xstream.converters.ConversionException\nclass               : org.apache.jmeter.save.ScriptWrapper\npath                : /jmeterTestPlan/hashTree/hashTree/hashTree/HTTPSamplerProxy\nline number         : 27\nOUT\nexit 0\n",
        { mode: 0o755 },
      );
      process.env.JMETER_BIN = bin;
      const { code, errors, result } = await runConfig(
        dir,
        `version: 1\nsut: { url: "${server.url}", ready: { path: /health } }\nprofiles:\n  - { name: plan, kind: jmeter, plan: plan.jmx, properties: { port: ${new URL(server.url).port} }, timeout: 30s }\n`,
        {
          args: ['--no-html'],
        },
      );
      expect(code).not.toBe(0);
      const text = [errors, result ? JSON.stringify(result) : ''].join('\n');
      expect(text).toMatch(/could not load the plan element HTTPSamplerProxy/);
      expect(text).toMatch(/apt-get install jmeter-http/);
    } finally {
      if (saved === undefined) delete process.env.JMETER_BIN;
      else process.env.JMETER_BIN = saved;
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
