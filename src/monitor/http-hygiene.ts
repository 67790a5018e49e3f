/**
 * Two cheap things that cost throughput and that one request shows: answers that are not
 * compressed although the client accepts it, and connections closed after every answer. One GET
 * per distinct path of a profile (at most three), sent after the profile, to the SUT only.
 */
import http from 'node:http';
import type { Suggestion } from '../model/monitor.js';

export interface HygieneFinding {
  path: string;
  bytes: number;
  contentType: string;
  encoding: string | undefined;
  connection: string | undefined;
}

const COMPRESSIBLE = /json|text|javascript|xml|html|csv/i;
/** Below this, compression saves too little to matter (and CDNs skip it too). */
const MIN_COMPRESSIBLE_BYTES = 1024;

export function probeHttp(baseUrl: string, path: string, timeoutMs = 5000): Promise<HygieneFinding | undefined> {
  return new Promise((resolve) => {
    const req = http.get(baseUrl + path, { headers: { 'accept-encoding': 'gzip, deflate, br' }, timeout: timeoutMs, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () =>
        resolve(
          (res.statusCode ?? 0) < 400
            ? { path, bytes, contentType: String(res.headers['content-type'] ?? ''), encoding: res.headers['content-encoding'], connection: res.headers.connection }
            : undefined,
        ),
      );
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export function hygieneSuggestions(profile: string, findings: readonly HygieneFinding[], rps: number): Suggestion[] {
  const out: Suggestion[] = [];
  const big = findings.filter((f) => !f.encoding && f.bytes >= MIN_COMPRESSIBLE_BYTES && COMPRESSIBLE.test(f.contentType));
  if (big.length) {
    const largest = big.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    out.push({
      category: 'config',
      profile,
      title: `Compress responses: ${largest.path} sends ${(largest.bytes / 1024).toFixed(1)} KiB of ${largest.contentType.split(';')[0]} uncompressed although the client accepts gzip and br`,
      evidence: big.map((f) => `GET ${f.path}: ${f.bytes} bytes, no content-encoding (accept-encoding: gzip, deflate, br)`),
      expectedImpact: `JSON and text usually shrink 3–10×: at ${rps.toFixed(0)} req/s that is up to ${((largest.bytes * rps * 0.8) / 1048576).toFixed(1)} MiB/s less to send`,
      requiresHumanReview: true,
    });
  }
  const closing = findings.filter((f) => f.connection?.toLowerCase() === 'close');
  if (closing.length) {
    out.push({
      category: 'config',
      profile,
      title: 'Keep connections alive: the server closes the connection after every response',
      evidence: closing.map((f) => `GET ${f.path} answered with Connection: close`),
      expectedImpact: 'no TCP (and TLS) handshake per request: lower latency and more requests per second for the same CPU',
      requiresHumanReview: true,
    });
  }
  return out;
}
