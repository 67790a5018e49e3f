/**
 * perfgate's response parser (src/load/http1/parser.ts) against the parsers a Node client could
 * use instead, on the same bytes (issue 17: "where a library does a part well, use it and measure
 * it against the hand-written path").
 *
 *   npx tsx bench/http-parser.ts [responses=1000000]
 *
 * - http-parser-js: the JavaScript parser autocannon uses (a dependency of autocannon here).
 * - llhttp through Node's `_http_common` HTTPParser: the C parser of Node's own http module,
 *   reachable only through an undocumented internal binding (deprecated as a public module).
 * Each parses a stream of pipelined keep-alive responses (a Node server's and nginx's heads, a
 * 2-byte and a 1 KiB body), fed in 16 KiB reads; nanoseconds per response, best of 5. A third
 * stream gives every nginx response its own `X-Request-Id`: perfgate's parser recognizes a head
 * that repeats its connection's previous one without parsing it again, and this is the case where
 * no head repeats (it stops remembering heads after 32 misses).
 */
import { createRequire } from 'node:module';
import { ResponseParser } from '../src/load/http1/parser.js';

const require = createRequire(import.meta.url);
const total = Number(process.argv[2] ?? 1_000_000);

const nodeHead =
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Fri, 27 Nov 2026 19:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok';
const nginxHead = `HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Fri, 27 Nov 2026 19:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 1024\r\nLast-Modified: Fri, 27 Nov 2026 18:00:00 GMT\r\nConnection: keep-alive\r\nETag: "6567a0e0-400"\r\nAccept-Ranges: bytes\r\n\r\n${'x'.repeat(1024)}`;

/** About 1 MiB of responses (`response(i)` is the i-th) cut into 16 KiB reads, as a socket would deliver it (responses split across reads). */
function reads(response: (i: number) => string): { chunks: Buffer[]; perStream: number } {
  const perStream = Math.ceil((1024 * 1024) / response(0).length);
  const stream = Buffer.from(Array.from({ length: perStream }, (_, i) => response(i)).join(''), 'latin1');
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; at += 16 * 1024) chunks.push(stream.subarray(at, at + 16 * 1024));
  return { chunks, perStream };
}

type Run = (chunks: Buffer[]) => number;

const perfgate: Run = (chunks) => {
  let done = 0;
  const parser = new ResponseParser({
    isHeadRequest: () => false,
    onHead: () => false,
    onBody: () => {},
    onComplete: () => void done++,
  });
  for (const c of chunks) parser.execute(c);
  return done;
};

const httpParserJs: Run = (chunks) => {
  const { HTTPParser } = require('http-parser-js') as {
    HTTPParser: new (kind: number) => Record<string | number, unknown> & { execute(b: Buffer): unknown };
  } & { HTTPParser: { RESPONSE: number; kOnMessageComplete: number } };
  let done = 0;
  const parser = new HTTPParser((HTTPParser as unknown as { RESPONSE: number }).RESPONSE);
  parser[(HTTPParser as unknown as { kOnMessageComplete: number }).kOnMessageComplete] = () => void done++;
  for (const c of chunks) parser.execute(c);
  return done;
};

const llhttp: Run = (chunks) => {
  const { HTTPParser } = require('_http_common') as {
    HTTPParser: {
      new (): { initialize(kind: number, resource: object): void; execute(b: Buffer): unknown } & Record<
        number,
        unknown
      >;
      RESPONSE: number;
      kOnMessageComplete: number;
    };
  };
  let done = 0;
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.RESPONSE, {});
  parser[HTTPParser.kOnMessageComplete] = () => void done++;
  for (const c of chunks) parser.execute(c);
  return done;
};

const streams = [
  () => nodeHead,
  () => nginxHead,
  (i: number) => nginxHead.replace('\r\n\r\n', `\r\nX-Request-Id: ${String(i).padStart(12, '0')}\r\n\r\n`),
];
const lines: string[] = [
  '| parser | Node server response (ns) | nginx 1 KiB response (ns) | nginx, every head new (ns) |',
  '|---|---:|---:|---:|',
];
const results: Record<string, number[]> = {};
for (const response of streams) {
  const { chunks, perStream } = reads(response);
  for (const [name, run] of Object.entries({
    perfgate,
    'http-parser-js': httpParserJs,
    'llhttp (_http_common)': llhttp,
  })) {
    let best = Infinity;
    for (let attempt = 0; attempt < 5; attempt++) {
      const t0 = performance.now();
      let parsed = 0;
      for (let n = 0; n < total; n += perStream) parsed += run(chunks);
      const ns = ((performance.now() - t0) * 1e6) / parsed;
      if (parsed < total) throw new Error(`${name} parsed ${parsed} of ${total}`);
      best = Math.min(best, ns);
    }
    (results[name] ??= []).push(best);
  }
}
for (const [name, times] of Object.entries(results))
  lines.push(`| ${name} | ${times.map((t) => t.toFixed(0)).join(' | ')} |`);
console.log(lines.join('\n'));
