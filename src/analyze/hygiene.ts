/**
 * Two cheap things that cost throughput and that one request shows: answers that are not
 * compressed although the client accepts it, and connections closed after every answer.
 */
import type { HygieneFinding } from '../model/hygiene.js';
import type { Suggestion } from '../model/monitor.js';

const COMPRESSIBLE = /json|text|javascript|xml|html|csv/i;
/** Below this, compression saves too little to matter (and CDNs skip it too). */
const MIN_COMPRESSIBLE_BYTES = 1024;

export function hygieneSuggestions(profile: string, findings: readonly HygieneFinding[], rps: number): Suggestion[] {
  const out: Suggestion[] = [];
  const big = findings.filter(
    (f) => !f.encoding && f.bytes >= MIN_COMPRESSIBLE_BYTES && COMPRESSIBLE.test(f.contentType),
  );
  if (big.length) {
    const largest = big.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    out.push({
      category: 'config',
      profile,
      title: `Compress responses: ${largest.path} sends ${(largest.bytes / 1024).toFixed(1)} KiB of ${largest.contentType.split(';')[0]} uncompressed although the client accepts gzip and br`,
      evidence: big.map(
        (f) => `GET ${f.path}: ${f.bytes} bytes, no content-encoding (accept-encoding: gzip, deflate, br)`,
      ),
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
      expectedImpact:
        'no TCP (and TLS) handshake per request: lower latency and more requests per second for the same CPU',
      requiresHumanReview: true,
    });
  }
  return out;
}
