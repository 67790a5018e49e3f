/** Reading a perfgate.yml that must be refused, in tests of the config's messages. */
import { expect } from 'vitest';
import { parseSettings } from '../../src/config/read.js';
import { ConfigError } from '../../src/errors.js';

/** The ConfigError that parsing `yaml` (as `file`, with `env`) throws; fails the test if it parses. */
export function configErrorOf(
  yaml: string,
  env: Record<string, string> = {},
  file = '/project/perfgate.yml',
): ConfigError {
  try {
    parseSettings(yaml, file, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
