/**
 * Fault suite (issue 15, case 4): a pull request cannot escape its gate by renaming a profile,
 * dropping its SLO or changing its workload. Base profiles are matched by name, else by position
 * and workload; the findings fail a pull request unless the base says `gates.review: warn`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git as gitIn } from '../helpers/git.js';
import { loadSettings } from '../../src/config/read.js';
import { reviewAgainstRef } from '../../src/compare/review.js';

const profile = (name: string, slo: string, requestPath = '/') =>
  `  - { name: ${name}, kind: load, duration: 1s, connections: 2, requests: [{ path: ${requestPath} }]${slo ? `, slo: { ${slo} }` : ''} }\n`;
const config = (profiles: string, gates = '') => `version: 1
sut: { url: "http://127.0.0.1:9" }
profiles:
${profiles}${gates}`;

let dir: string;
let file: string;
const git = (...args: string[]) => gitIn(dir, ...args);

/** Commits `base` on main, then writes `head` on a feature branch and reviews it against main. */
async function review(
  base: string,
  head: string,
  options: { pullRequest?: boolean; env?: Record<string, string> } = { pullRequest: true },
) {
  const env = options.env ?? {};
  await writeFile(file, base);
  git('add', 'perfgate.yml');
  git('commit', '--quiet', '-m', 'base');
  git('checkout', '--quiet', '-b', 'feature');
  await writeFile(file, head);
  return reviewAgainstRef(await loadSettings(file, env), 'main', { ...options, env });
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-faults-review-'));
  file = path.join(dir, 'perfgate.yml');
  git('init', '--quiet', '-b', 'main');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gate integrity under review (case 4)', () => {
  it('fails a pull request that renames a profile and drops its SLO, and gates the new name with the base SLO', async () => {
    const r = await review(config(profile('api', 'p99: 50ms')), config(profile('api-v2', '')));
    expect(r.problems).toEqual([
      'needs review: profile api was renamed to api-v2',
      'needs review: profile api-v2 dropped its SLO p99 (base api)',
    ]);
    expect(r.settings.config.profiles[0]).toMatchObject({ name: 'api-v2', slo: { p99: 50 } });
  });

  it('gates a profile of the same name that loosens its SLO with the base SLO and says so, without failing', async () => {
    const r = await review(config(profile('api', 'p99: 50ms')), config(profile('api', 'p99: 80ms')));
    expect(r.problems).toEqual([]);
    expect(r.settings.config.profiles[0]).toMatchObject({ slo: { p99: 50 } });
    expect(r.notices).toEqual([
      expect.stringMatching(/^threshold change needs review: .*profiles\[api\]\.slo\.p99: 50 → 80/),
    ]);
  });

  it('gates a head that makes its SLO level: warn with the base level, and says so, without failing', async () => {
    const r = await review(config(profile('api', 'p95: 50ms')), config(profile('api', 'p95: 50ms, level: warn')));
    expect(r.problems).toEqual([]);
    expect(r.settings.config.profiles[0]).toMatchObject({ slo: { p95: 50 } });
    expect(r.settings.config.profiles[0]).not.toHaveProperty('slo.level');
    expect(r.notices).toEqual([
      expect.stringMatching(/^threshold change needs review: .*profiles\[api\]\.slo\.level: \(unset\) → "warn"/),
    ]);
  });

  it('does not call a head that drops level: warn (a stricter SLO) a dropped SLO', async () => {
    const r = await review(config(profile('api', 'p95: 50ms, level: warn')), config(profile('api', 'p95: 50ms')));
    expect(r.problems).toEqual([]);
  });

  it('sees p99.9 and p999 as the same limit', async () => {
    const r = await review(config(profile('api', 'p999: 50ms')), config(profile('api', 'p99.9: 50ms')));
    expect(r.problems).toEqual([]);
    expect(r.notices).toEqual([]);
  });

  it('reads the base with the same environment, so that ${NAME} in a request is reviewed like any value', async () => {
    const withToken = (p99: string) =>
      config(
        `  - { name: api, kind: load, requests: [{ path: /, headers: { authorization: "Bearer \${API_TOKEN}" } }], slo: { p99: ${p99} } }\n`,
      );
    const r = await review(withToken('50ms'), withToken('80ms'), { pullRequest: true, env: { API_TOKEN: 'tok-0123' } });
    expect(r.problems).toEqual([]);
    expect(r.notices).toEqual([expect.stringMatching(/^threshold change needs review: .*slo\.p99: 50 → 80/)]);
    expect(r.settings.config.profiles[0]).toMatchObject({ slo: { p99: 50 } });
  });

  it('finds a changed workload', async () => {
    const r = await review(config(profile('api', 'p99: 50ms', '/')), config(profile('api', 'p99: 50ms', '/health')));
    expect(r.problems).toEqual(['needs review: profile api changed its workload (requests or model)']);
  });

  it('finds a profile missing from the head and names a new one', async () => {
    const r = await review(
      config(profile('api', 'p99: 50ms') + profile('search', 'p99: 90ms', '/search')),
      config(profile('api', 'p99: 50ms') + profile('checkout', '', '/checkout')),
    );
    expect(r.problems).toEqual(['needs review: profile search is missing from the head']);
    expect(r.notices).toContain('profile checkout is new (no base profile to compare its SLO with)');
  });

  it('only warns when the base branch says gates.review: warn', async () => {
    const warn = '\ngates: { review: warn }\n';
    const r = await review(config(profile('api', 'p99: 50ms'), warn), config(profile('api-v2', ''), warn));
    expect(r.problems).toEqual([]);
    expect(r.notices).toContain('needs review: profile api was renamed to api-v2');
  });

  it('still fails when only the head sets gates.review: warn', async () => {
    const r = await review(
      config(profile('api', 'p99: 50ms')),
      config(profile('api-v2', ''), '\ngates: { review: warn }\n'),
    );
    expect(r.problems).toContain('needs review: profile api was renamed to api-v2');
  });

  it('only warns when the run is not for a pull request', async () => {
    const r = await review(config(profile('api', 'p99: 50ms')), config(profile('api-v2', '')), {});
    expect(r.problems).toEqual([]);
    expect(r.notices).toContain('needs review: profile api was renamed to api-v2');
  });

  it('finds nothing without a base ref', async () => {
    await writeFile(file, config(profile('api-v2', '')));
    const head = await loadSettings(file, {});
    expect(reviewAgainstRef(head, undefined, { pullRequest: true, env: {} })).toEqual({
      settings: head,
      notices: [],
      problems: [],
    });
  });
});
