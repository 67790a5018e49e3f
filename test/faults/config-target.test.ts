/**
 * Fault suite (issue 15, case 15): an IPv4-mapped loopback address is loopback in whatever form
 * the URL parser or the resolver writes it (`[::ffff:127.0.0.1]` becomes `::ffff:7f00:1`), and a
 * mapped address outside 127.0.0.0/8 is still refused.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { assertTargetAllowed, isLoopbackAddress, isLoopbackUrl } from '../../src/sut/target.js';

describe('IPv4-mapped IPv6 addresses (case 15)', () => {
  it.each([
    ['::ffff:7f00:1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7fff:fffe', true],
    ['0:0:0:0:0:ffff:7f00:1', true],
    ['[::ffff:7f00:1]', true],
    ['::ffff:a00:1', false],
    ['::ffff:8000:1', false],
    ['::ffff:808:808', false],
    ['::ffff:10.0.0.1', false],
    ['::7f00:1', false],
  ])('%s is loopback: %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });

  it('accepts http://[::ffff:127.0.0.1]:3000 as sut.url', async () => {
    await expect(assertTargetAllowed('http://[::ffff:127.0.0.1]:3000/', [])).resolves.toBeUndefined();
  });

  it('still refuses a mapped address outside loopback, naming the field', async () => {
    const refused = assertTargetAllowed('http://[::ffff:10.0.0.1]:3000/', []);
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow('sut.url: host ::ffff:a00:1 is not loopback');
  });
});

describe('a loopback URL, for what the analysis may read as the SUT’s network (also seen)', () => {
  it.each([
    ['http://127.0.0.1:8080/', true],
    ['http://[::1]:3000', true],
    ['http://[::ffff:127.0.0.1]:3000', true],
    ['http://localhost:3000', true],
    ['http://api.localhost', true],
    ['http://[2001:db8::1]/', false],
    ['https://example.test/', false],
  ])('%s → %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
  });
});
