import { describe, expect, it } from 'vitest';
import { collectSecrets, inheritedSutEnv } from '../../src/secrets/collect.js';
import { maskDeep, maskSecrets } from '../../src/secrets/mask.js';

const env = {
  PATH: '/usr/bin',
  HOME: '/home/runner',
  LC_ALL: 'C.UTF-8',
  GITHUB_TOKEN: 'ghs_0123456789',
  ACTIONS_RUNTIME_TOKEN: 'runtime-0123456789',
  ACTIONS_CACHE_URL: 'https://cache.example/abc',
  INPUT_CONFIG: 'perfgate.yml',
  'INPUT_GITHUB-TOKEN': 'ghs_input_0123456789',
  MY_API_KEY: 'key-0123456789',
  DEPLOY_ENV: 'staging-cluster',
};

describe('what perfgate counts as secret', () => {
  it('takes values by their names, the runner credentials and URL passwords, and leaves step inputs and plain settings alone', () => {
    const secrets = collectSecrets(
      {
        config: {
          sut: { env: { DATABASE_URL: 'postgres://app:p%40ss-word@db:5432/app', APP_SECRET: 's3cr3t-value' } },
        },
        interpolated: [],
      },
      env,
    );
    expect(secrets).toEqual(
      expect.arrayContaining([
        'ghs_0123456789',
        'runtime-0123456789',
        'https://cache.example/abc',
        'ghs_input_0123456789',
        'key-0123456789',
        's3cr3t-value',
        'p%40ss-word',
        'p@ss-word',
      ]),
    );
    expect(secrets).not.toContain('perfgate.yml');
    expect(secrets).not.toContain('staging-cluster');
  });

  it('hands the SUT the basics and what sut.inheritEnv names, never a runner credential', () => {
    expect(inheritedSutEnv({ inheritEnv: ['DEPLOY_ENV', 'MY_API_KEY'] }, env)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      LC_ALL: 'C.UTF-8',
      DEPLOY_ENV: 'staging-cluster',
      MY_API_KEY: 'key-0123456789',
    });
  });

  it('masks every occurrence in every string of a result, keys included, and leaves short values alone', () => {
    const masked = maskDeep({ a: ['x s3cr3t-value y', 3], 's3cr3t-value': true, n: 'abc' }, ['s3cr3t-value', 'abc']);
    expect(masked).toEqual({ a: ['x *** y', 3], '***': true, n: 'abc' });
    expect(maskSecrets('postgres://app:p%40ss-word@db', ['p%40ss-word'])).toBe('postgres://app:***@db');
  });
});
