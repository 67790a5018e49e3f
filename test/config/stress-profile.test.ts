/** A stress profile's open-model keys (issue 17): `maxInFlight` on rate ramps only, and its socket check. */
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/read.js';
import { socketLimitProblems } from '../../src/load/capacity.js';

const parse = (profile: string) =>
  parseSettings(`version: 1\nsut: { url: "http://127.0.0.1:9" }\nprofiles:\n  - ${profile}\n`, '/tmp/perfgate.yml', {});

describe('maxInFlight in a stress profile', () => {
  it('is read on a rate ramp, beside warmup', () => {
    const p = parse(
      '{ name: r, kind: stress, rate: { start: 100, step: 100, max: 500 }, maxInFlight: 100, warmup: 3s }',
    ).config.profiles[0];
    expect(p).toMatchObject({ kind: 'stress', maxInFlight: 100, warmup: 3000 });
  });

  it('is absent by default, so that each step sizes it from its rate', () => {
    const p = parse('{ name: r, kind: stress, rate: { start: 100, step: 100, max: 500 } }').config.profiles[0];
    expect(p).toMatchObject({ kind: 'stress' });
    expect(p).not.toHaveProperty('maxInFlight');
  });

  it('is refused with a connections ramp, and the error names the field', () => {
    expect(() =>
      parse('{ name: u, kind: stress, connections: { start: 10, step: 10, max: 50 }, maxInFlight: 100 }'),
    ).toThrow(/profiles\[0\]\.maxInFlight: .*rate ramp \(open model\) only/);
  });

  it.each([['0'], ['-5'], ['2.5'], ['"many"']])('refuses maxInFlight: %s', (value) => {
    expect(() =>
      parse(`{ name: r, kind: stress, rate: { start: 10, step: 10, max: 20 }, maxInFlight: ${value} }`),
    ).toThrow(/profiles\[0\]\.maxInFlight/);
  });

  it('needs no socket per request in flight: arrivals past the connection pool wait for a connection', () => {
    const profiles = parse('{ name: r, kind: stress, rate: { start: 100, step: 100, max: 500 }, maxInFlight: 5000 }')
      .config.profiles;
    expect(socketLimitProblems(profiles, 1024)).toEqual([]);
  });
});
