/**
 * Target safety: perfgate sends load only to loopback unless perfgate.yml lists other hosts in
 * `targets.allow`. The check looks at the URL's host and at what it resolves to, so a name that
 * resolves to a public address is refused even when it looks local.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../errors.js';

/**
 * 127.0.0.0/8 and ::1. BlockList also matches IPv4-mapped IPv6 addresses against the IPv4 rule in
 * every spelling: the URL parser turns `[::ffff:127.0.0.1]` into `::ffff:7f00:1` (issue 15, case 15).
 */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(a);
  return family !== 0 && LOOPBACK.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

/** The URL names this machine's loopback by address or as localhost (no lookup: a name resolving to loopback reads false). */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || isLoopbackAddress(host);
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
