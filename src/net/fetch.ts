/**
 * The one door for perfgate's own outbound HTTP (Prometheus scrapes, the Pushgateway push, the
 * alert webhook). It exists because checking a URL against `targets.allow` and then calling
 * `fetch` is not enough: fetch follows a 302 to any host, so an allowed endpoint could send
 * perfgate on to one it would refuse, and `res.text()` reads a body of any size. Here redirects
 * are followed by hand, each hop checked against the allow-list before any connection is made,
 * the body is counted while it is read and cut at a limit set per use, and one deadline covers
 * every hop and the body. Errors name the URL.
 *
 * Not through here: the OTLP exporter (the OpenTelemetry SDK's own HTTP stack) and the GitHub
 * REST client (@actions/github's Octokit); both go to endpoints the user or GitHub configured.
 */
import { assertTargetAllowed } from '../sut/target.js';

/** Redirect hops followed before giving up: enough for http→https and a trailing-slash hop. */
const MAX_REDIRECTS = 3;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

export interface OutboundRequest {
  /** Config field the URL came from, named in allow-list errors. */
  field: string;
  /** Hosts allowed besides loopback (`targets.allow`). */
  allow: readonly string[];
  /** Largest body read; a longer one fails the request. */
  maxBytes: number;
  /** Deadline for every hop and the whole body. */
  timeoutMs: number;
  /** Names the request in errors instead of its URL, when the URL is a secret (a webhook's path is its key). */
  label?: string;
  method?: 'GET' | 'PUT' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface OutboundResponse {
  status: number;
  ok: boolean;
  /** The URL that answered, after redirects. */
  url: string;
  text: string;
}

class OutboundError extends Error {
  constructor(what: string, reason: string, options?: { cause?: unknown }) {
    super(`${what}: ${reason}`, options);
    this.name = 'OutboundError';
  }
}

/** Sends one request under the allow-list, size and time bounds described above. */
export async function fetchOutbound(url: string, req: OutboundRequest): Promise<OutboundResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  const what = req.label ?? url;
  let current = url;
  let method = req.method ?? 'GET';
  let body = req.body;
  for (let hop = 0; ; hop++) {
    await assertHopAllowed(what, current, req, hop);
    const res = await send(
      req.label ?? current,
      current,
      { method, headers: req.headers, body, signal },
      req.timeoutMs,
    );
    const location = res.headers.get('location');
    if (!REDIRECT.has(res.status) || location === null) {
      const text = await readBounded(req.label ?? current, res, req.maxBytes, req.timeoutMs);
      return { status: res.status, ok: res.ok, url: current, text };
    }
    await res.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new OutboundError(what, `more than ${MAX_REDIRECTS} redirects`);
    // Like browsers: 303, and 301/302 after a POST, turn into a GET without the body.
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    current = new URL(location, current).toString();
  }
}

async function assertHopAllowed(what: string, current: string, req: OutboundRequest, hop: number): Promise<void> {
  // A secret URL's redirect target may carry the secret on: name only its origin then.
  const shown = req.label ? new URL(current).origin : current;
  if (!/^https?:$/.test(new URL(current).protocol))
    throw new OutboundError(what, `redirected to ${shown}, which is not http(s)`);
  try {
    await assertTargetAllowed(current, req.allow, req.field);
  } catch (e) {
    if (hop === 0) throw e;
    throw new OutboundError(what, `refused the redirect to ${shown}: ${(e as Error).message}`, { cause: e });
  }
}

async function send(
  what: string,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; signal: AbortSignal },
  timeoutMs: number,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'manual' });
  } catch (e) {
    throw new OutboundError(what, failure(e, timeoutMs), { cause: e });
  }
}

async function readBounded(what: string, res: Response, maxBytes: number, timeoutMs: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new OutboundError(what, `the body (${declared} bytes) is over the limit of ${maxBytes} bytes`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new OutboundError(what, `the body is over the limit of ${maxBytes} bytes`);
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (e) {
    if (e instanceof OutboundError) throw e;
    throw new OutboundError(what, failure(e, timeoutMs), { cause: e });
  }
}

function failure(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no complete answer within ${timeoutMs} ms`;
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
