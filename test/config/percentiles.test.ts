/**
 * Percentile keys in `slo` and `gates.regression` (issue 13): any pNN / pNN.N, p999 as the alias
 * of p99.9, `level`, and the errors a user sees for everything else.
 */
import { describe, expect, it } from 'vitest';
import { configErrorOf } from '../helpers/config.js';
import { parseSettings } from '../../src/config/read.js';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { percentileName, percentileOf } from '../../src/model/percentiles.js';

const config = (slo: string, gates = '') => `version: 1
sut: { url: http://127.0.0.1:3000 }
profiles:
  - { name: api, kind: load, slo: ${slo} }
${gates}`;

function sloOf(slo: string): Record<string, unknown> {
  const p = parseSettings(config(slo), '/project/perfgate.yml', {}).config.profiles[0];
  if (p?.kind !== 'load') throw new Error('expected a load profile');
  return p.slo;
}

const errorOf = (yaml: string) => configErrorOf(yaml).message;

describe('percentile names', () => {
  it.each([
    ['p95', 'p95', 95],
    ['p99.9', 'p999', 99.9],
    ['p999', 'p999', 99.9],
    ['p95.0', 'p95', 95],
    ['p05', 'p5', 5],
    ['p97.50', 'p97.5', 97.5],
    ['p99.99', 'p99.99', 99.99],
    ['p0.5', 'p0.5', 0.5],
  ])('reads %s as %s (the %sth percentile)', (key, name, q) => {
    expect(percentileName(key)).toBe(name);
    expect(percentileOf(name)).toBe(q);
  });

  it.each(['p0', 'p0.0', 'p100', 'p1000', 'P95', 'p95.', 'p.5', 'p9a', 'max', 'errorRate'])(
    'finds no percentile in %s',
    (key) => {
      expect(percentileName(key)).toBeUndefined();
    },
  );
});

describe('SLO percentiles', () => {
  it('takes any percentile as a latency limit, in ms', () => {
    expect(sloOf('{ p95: 120ms, p97.5: 0.2s, p99.99: 1s, p50: 3 }')).toEqual({
      p95: 120,
      'p97.5': 200,
      'p99.99': 1000,
      p50: 3,
    });
  });

  it('keeps p999 as it was and reads p99.9 as the same limit, under the name results use', () => {
    expect(sloOf('{ p999: 40ms }')).toEqual({ p999: 40 });
    expect(sloOf('{ "p99.9": 40ms }')).toEqual({ p999: 40 });
  });

  it('refuses two keys that name the same percentile', () => {
    expect(errorOf(config('{ p999: 40ms, p99.9: 50ms }'))).toContain(
      'profiles[0].slo.p99.9: names the same percentile as p999; keep one of them',
    );
    expect(errorOf(config('{ p95: 40ms, p95.0: 50ms }'))).toContain('names the same percentile as p95');
  });

  it.each([
    ['p100', 'unknown key (p100 is the maximum: use max); expected a percentile pNN or pNN.N'],
    ['p0', 'unknown key; expected a percentile pNN or pNN.N with 0 < NN < 100'],
    ['P95', 'unknown key; expected a percentile'],
    ['latency', 'unknown key; expected a percentile'],
  ])('refuses the key %s and lists the forms', (key, message) => {
    const text = errorOf(config(`{ ${key}: 10ms }`));
    expect(text).toContain(`profiles[0].slo.${key}: ${message}`);
    expect(text).toContain('(p50, p95, p99.9; p999 is p99.9), or one of max, mean, errorRate, throughput, level');
  });

  it('says what is wrong with the value of a new percentile key, by its path', () => {
    expect(errorOf(config('{ p95: fast }'))).toContain(
      'profiles[0].slo.p95: "fast" is not a duration; use e.g. "250ms" or "1.5s"',
    );
  });

  it.each([
    ['{ p95: 1ms, level: warn }', 'warn'],
    ['{ p95: 1ms, level: fail }', 'fail'],
    ['{ p95: 1ms }', undefined],
  ])('reads the level of %s', (slo, level) => {
    expect(sloOf(slo).level).toBe(level);
  });

  it('refuses a level other than fail or warn', () => {
    expect(errorOf(config('{ p95: 1ms, level: notice }'))).toMatch(/profiles\[0\]\.slo\.level: .*"fail"\|"warn"/);
  });
});

describe('regression gates', () => {
  const gates = (regression: string) =>
    parseSettings(config('{}', `gates:\n  regression: ${regression}\n`), '/project/perfgate.yml', {}).config.gates
      .regression;

  it('takes a threshold for any percentile, and the level of the block', () => {
    expect(gates('{ p95: 8%, p99.9: 20%, throughput: 5%, level: warn }')).toEqual({
      p95: 0.08,
      p999: 0.2,
      throughput: 0.05,
      level: 'warn',
    });
  });

  it('refuses an unknown metric and a bare number of 1 or more, naming the key', () => {
    expect(errorOf(config('{}', 'gates:\n  regression: { mean: 5% }\n'))).toContain(
      'gates.regression.mean: unknown key; expected a percentile pNN or pNN.N with 0 < NN < 100 (p50, p95, p99.9; p999 is p99.9), or one of throughput, errorRate, level',
    );
    expect(errorOf(config('{}', 'gates:\n  regression: { p95: 5 }\n'))).toContain(
      'gates.regression.p95: 5 is 500% (a bare number is a fraction below 1: 0.05 = 5%); write "5%" for 5 percent',
    );
  });
});

describe('the JSON Schema', () => {
  const schema = configJsonSchema() as {
    properties: {
      profiles: { items: { anyOf?: unknown[]; oneOf?: unknown[] } };
      gates: { properties: Record<string, unknown> };
    };
  };
  const text = JSON.stringify(schema);

  it('describes percentile keys as patternProperties, closed to other keys, with level', () => {
    const regression = schema.properties.gates.properties.regression as {
      patternProperties: Record<string, unknown>;
      additionalProperties: boolean;
      properties: Record<string, { enum?: string[] }>;
    };
    const [pattern] = Object.keys(regression.patternProperties);
    const re = new RegExp(pattern ?? '$^');
    expect(['p95', 'p99.9', 'p999', 'p5'].every((k) => re.test(k))).toBe(true);
    expect(['p100', 'p', 'max', 'p9999'].some((k) => re.test(k))).toBe(false);
    expect(regression.additionalProperties).toBe(false);
    expect(regression.properties.level?.enum).toEqual(['fail', 'warn']);
  });

  it('gives every profile kind with an SLO the same percentile keys and level', () => {
    // load, stress and jmeter profiles: three SLOs, and gates.regression, each with its
    // patternProperties and level; plus a request's own slo in load and stress profiles.
    expect(text.match(/"patternProperties"/g)).toHaveLength(6);
    expect(text.match(/a miss is reported, annotated and shown in the comment/g)).toHaveLength(6);
  });
});
