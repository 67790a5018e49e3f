/** The config keys of real workloads on profiles (issue 13): where they are allowed and what they say. */
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/config/read.js';

const parse = (profile: string) =>
  parseSettings(`version: 1\nsut: { url: "http://127.0.0.1:9" }\nprofiles:\n  - ${profile}\n`, '/tmp/perfgate.yml', {});

describe('workload keys of a profile', () => {
  it('reads setup, captures, data, variables and a request check and slo', () => {
    const settings = parse(
      `{ name: a, kind: load, connections: 2, variables: { tag: 7 }, setupScope: connection, data: { file: users.csv, order: random },
         setup: [{ name: login, method: POST, path: /login, capture: { token: "$.user.token" }, check: { status: 200 } }],
         requests: [{ name: me, path: /me, check: { status: 2xx, json: { "$.id": exists } }, slo: { p95: 50ms } }] }`,
    );
    const p = settings.config.profiles[0];
    expect(p).toMatchObject({
      variables: { tag: '7' },
      setupScope: 'connection',
      data: { file: 'users.csv', order: 'random', onEnd: 'wrap', scope: 'request' },
      setup: [{ name: 'login', method: 'POST', capture: { token: '$.user.token' } }],
      requests: [{ name: 'me', slo: { p95: 50 } }],
    });
  });

  it.each([
    [
      '{ name: a, kind: load, rate: 10, setupScope: connection }',
      /profiles\[0\]\.setupScope: connection: .*closed model/,
    ],
    [
      '{ name: a, kind: stress, rate: { start: 10, step: 10, max: 20 }, setupScope: connection }',
      /profiles\[0\]\.setupScope: connection: .*a rate ramp/,
    ],
    ['{ name: a, kind: load, setup: [{ path: /x, weight: 2 }] }', /profiles\[0\]\.setup\[0\]\.weight/],
  ])('refuses %s', (profile, message) => {
    expect(() => parse(profile)).toThrow(message);
  });
});
