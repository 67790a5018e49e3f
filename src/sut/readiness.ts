/**
 * Readiness and port checks. `localhost` may resolve to ::1 first while the server listens on
 * 127.0.0.1 only (or the reverse), so both are tried; probes use GET because some servers reject HEAD.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/** The concrete addresses to try for a URL's host. */
export function candidateHosts(url: URL): string[] {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
}

export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** The same URL with its host replaced by a concrete address (IPv6 bracketed). */
function withHost(url: URL, address: string): string {
  const u = new URL(url.href);
  u.hostname = address.includes(':') ? `[${address}]` : address;
  return u.href.replace(/\/$/, '');
}

/** Resolves true when something accepts TCP connections on host:port. */
export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export type ProbeOutcome = { ok: true; status: number } | { ok: false; detail: string };

/** One readiness probe: GET, 2xx or 3xx counts as ready. */
export function probeOnce(url: string, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.get(url, { agent: false, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 400 ? { ok: true, status } : { ok: false, detail: `answered ${status}` });
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, detail: e.code ?? e.message }));
  });
}

export interface WaitReadyOptions {
  url: URL;
  path: string;
  timeoutMs: number;
  /** Stops waiting early (the SUT exited, perfgate was interrupted); its reason is rethrown. */
  signal?: AbortSignal;
}

/**
 * Probes until the URL answers 2xx/3xx on one of its candidate hosts. Returns the base URL
 * with the host that answered, or throws with the last probe outcome.
 */
export async function waitUntilReady(options: WaitReadyOptions): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  const hosts = candidateHosts(options.url);
  let last = 'no probe finished';
  let delay = 50;
  for (;;) {
    for (const host of hosts) {
      options.signal?.throwIfAborted();
      const base = withHost(options.url, host);
      const remaining = deadline - Date.now();
      const outcome = await probeOnce(base + options.path, Math.max(100, Math.min(2000, remaining)));
      if (outcome.ok) return options.url.hostname === 'localhost' ? base : options.url.href.replace(/\/$/, '');
      last = `GET ${base}${options.path}: ${outcome.detail}`;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new ReadinessTimeout(last);
    await sleep(Math.min(delay, remaining), options.signal);
    delay = Math.min(500, delay * 2);
  }
}

export class ReadinessTimeout extends Error {
  constructor(readonly lastProbe: string) {
    super(lastProbe);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
