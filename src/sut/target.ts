/**
 * Target safety: perfgate sends load only to loopback unless perfgate.yml lists other hosts in
 * `targets.allow`. The check looks at the URL's host and at what it resolves to, so a name that
 * resolves to a public address is refused even when it looks local.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';

export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(a) === 4) return a.startsWith('127.');
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped?.[1] !== undefined && mapped[1].startsWith('127.');
}

/** Throws ConfigError unless every address of `url`'s host is loopback, or the host is allowed. */
export async function assertTargetAllowed(url: string, allow: readonly string[], field = 'sut.url'): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (allow.some((h) => h.toLowerCase() === host)) return;
  const hint = `add "${host}" to targets.allow in perfgate.yml if you own it and mean to load it`;
  if (isIP(host)) {
    if (isLoopbackAddress(host)) return;
    throw new ConfigError(
      `${field}: host ${host} is not loopback and not in targets.allow; perfgate loads only 127.0.0.1, ::1 and localhost by default (${hint})`,
    );
  }
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((r) => r.address);
  } catch (e) {
    throw new ConfigError(
      `${field}: host ${JSON.stringify(host)} does not resolve (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a loopback host such as 127.0.0.1`,
    );
  }
  const outside = addresses.filter((a) => !isLoopbackAddress(a));
  if (outside.length > 0) {
    throw new ConfigError(
      `${field}: host ${host} resolves to ${outside.join(', ')}, which is not loopback, and it is not in targets.allow (${hint})`,
    );
  }
}
